"""Every op of course.ops (and the losses of course.functional): CuPy vs NumPy, values and
gradients. The table must name every op: test_every_op_has_a_case runs on the CPU too."""

import numpy as np
import pytest
from gpu_compare import compare

from course import functional as F
from course import ops

RNG = np.random.default_rng(0)


def f32(*shape, low=None):
    a = RNG.standard_normal(shape).astype(np.float32)
    return np.abs(a) + low if low is not None else a


def ints(high, *shape):
    return RNG.integers(0, high, shape)


X, Y, B = (4, 5), (4, 5), (5,)
OPS = {
    "abs": (ops.abs, [f32(*X)]),
    "exp": (ops.exp, [f32(*X)]),
    "log": (ops.log, [f32(*X, low=0.1)]),
    "neg": (ops.neg, [f32(*X)]),
    "relu": (ops.relu, [f32(*X)]),
    "sigmoid": (ops.sigmoid, [f32(*X)]),
    "sqrt": (ops.sqrt, [f32(*X, low=0.1)]),
    "tanh": (ops.tanh, [f32(*X)]),
    "add": (ops.add, [f32(*X), f32(*B)]),
    "sub": (ops.sub, [f32(*X), f32(*B)]),
    "mul": (ops.mul, [f32(*X), f32(*B)]),
    "div": (ops.div, [f32(*X), f32(*B, low=0.5)]),
    "pow": (ops.pow, [f32(*X, low=0.5), f32(*B)]),
    "maximum": (ops.maximum, [f32(*X), f32(*B)]),
    "minimum": (ops.minimum, [f32(*X), f32(*B)]),
    "eq": (ops.eq, [ints(3, *X), ints(3, *B)]),
    "ne": (ops.ne, [ints(3, *X), ints(3, *B)]),
    "lt": (ops.lt, [f32(*X), f32(*B)]),
    "le": (ops.le, [f32(*X), f32(*B)]),
    "gt": (ops.gt, [f32(*X), f32(*B)]),
    "ge": (ops.ge, [f32(*X), f32(*B)]),
    "cast": (lambda x: ops.cast(x, np.float64), [f32(*X)]),
    "clone": (lambda x: ops.clone(x), [f32(*X)]),
    "clip": (lambda x: ops.clip(x, -0.5, 0.5), [f32(*X)]),
    "where": (lambda a, b: ops.where(a > 0, a, b), [f32(*X), f32(*Y)]),
    "sum_to": (lambda x: ops.add(x, 0 * x) + ops.sum(x, 0, keepdim=True), [f32(*X)]),
    "matmul": (ops.matmul, [f32(3, 4, 6), f32(6, 2)]),
    "T": (ops.T, [f32(*X)]),
    "transpose": (lambda x: ops.transpose(x, 0, 2), [f32(2, 3, 4)]),
    "permute": (lambda x: ops.permute(x, 2, 0, 1), [f32(2, 3, 4)]),
    "reshape": (lambda x: ops.reshape(x, (5, 4)), [f32(*X)]),
    "flatten": (lambda x: ops.flatten(x, 1), [f32(2, 3, 4)]),
    "squeeze": (lambda x: ops.squeeze(x, 1), [f32(4, 1, 5)]),
    "unsqueeze": (lambda x: ops.unsqueeze(x, 1), [f32(*X)]),
    "broadcast_to": (lambda x: ops.broadcast_to(x, (3, 5)), [f32(*B)]),
    "expand": (lambda x: ops.expand(x, (3, 5)), [f32(1, 5)]),
    "getitem": (lambda x: x[1:, ::2] + x[[0, 0, 2]].sum() + x[x > 0].sum(), [f32(*X)]),
    "cat": (lambda a, b: ops.cat([a, b], 1), [f32(*X), f32(4, 2)]),
    "concatenate": (lambda a, b: ops.concatenate([a, b], 0), [f32(*X), f32(2, 5)]),
    "stack": (lambda a, b: ops.stack([a, b], 1), [f32(*X), f32(*Y)]),
    "sum": (lambda x: ops.sum(x, 1), [f32(*X)]),
    "mean": (lambda x: ops.mean(x, 0, keepdim=True), [f32(*X)]),
    "amax": (lambda x: ops.amax(x, 1), [f32(*X)]),
    "amin": (lambda x: ops.amin(x), [f32(*X)]),
    "max": (lambda x: ops.max(x, 1), [f32(*X)]),
    "min": (lambda x: ops.min(x, 0), [f32(*X)]),
    "argmax": (lambda x: ops.argmax(x, 1), [f32(*X)]),
    "argmin": (lambda x: ops.argmin(x, 0), [f32(*X)]),
    "var": (lambda x: ops.var(x, 1), [f32(*X)]),
    "std": (lambda x: ops.std(x, 0, keepdim=True), [f32(*X)]),
    "topk": (lambda x: ops.topk(x, 2, 1), [f32(*X)]),
    # one-tensor math (course/ops/pointwise.py)
    "sin": (ops.sin, [f32(*X)]),
    "cos": (ops.cos, [f32(*X)]),
    "expm1": (ops.expm1, [f32(*X)]),
    "log1p": (ops.log1p, [f32(*X, low=0.1)]),
    "log2": (ops.log2, [f32(*X, low=0.1)]),
    "log10": (ops.log10, [f32(*X, low=0.1)]),
    "rsqrt": (ops.rsqrt, [f32(*X, low=0.5)]),
    "reciprocal": (ops.reciprocal, [f32(*X, low=0.5)]),
    "square": (ops.square, [f32(*X)]),
    "sign": (ops.sign, [f32(*X)]),
    "floor": (ops.floor, [f32(*X)]),
    "ceil": (ops.ceil, [f32(*X)]),
    "round": (ops.round, [f32(*X)]),
    "floor_divide": (ops.floor_divide, [ints(9, *X), ints(3, *B) + 1]),  # no gradient, as torch
    "remainder": (ops.remainder, [f32(*X), f32(*B, low=0.5)]),
    # indexing and movement (course/ops/indexing.py, movement.py)
    "t": (ops.t, [f32(*X)]),
    "narrow": (lambda x: ops.narrow(x, 1, 1, 3), [f32(*X)]),
    "split": (lambda x: ops.split(x, [2, 3], 1), [f32(*X)]),
    "chunk": (lambda x: ops.chunk(x, 2, 0), [f32(*X)]),
    "roll": (lambda x: ops.roll(x, 2, 1), [f32(*X)]),
    "tril": (ops.tril, [f32(*X)]),
    "triu": (lambda x: ops.triu(x, 1), [f32(*X)]),
    "masked_fill": (lambda x: ops.masked_fill(x, x > 0, 0.5), [f32(*X)]),
    # course.functional, built on the ops above and on fused Functions of their own
    "F.softmax": (F.softmax, [f32(*X)]),
    "F.log_softmax": (F.log_softmax, [f32(*X)]),
    "F.cross_entropy": (lambda x, t: F.cross_entropy(x, t), [f32(*X), ints(5, 4)]),
    "F.mse_loss": (F.mse_loss, [f32(*X), f32(*Y)]),
    "F.conv2d": (
        lambda x, w: F.conv2d(x, w, padding=1, stride=2),
        [f32(2, 3, 7, 7), f32(4, 3, 3, 3)],
    ),
    "F.max_pool2d": (lambda x: F.max_pool2d(x, 2), [f32(2, 3, 6, 6)]),
    "F.avg_pool2d": (lambda x: F.avg_pool2d(x, 3, 2, 1), [f32(2, 3, 7, 7)]),
    "F.embedding": (lambda i, w: F.embedding(i, w), [ints(6, 3, 4), f32(6, 5)]),
}


def test_every_op_has_a_case():
    missing = sorted(set(ops.__all__) - set(OPS))
    assert not missing, f"add GPU cases for {missing}"


@pytest.mark.gpu
@pytest.mark.parametrize("name", sorted(OPS))
def test_op_on_cuda_matches_numpy(name):
    fn, arrays = OPS[name]
    compare(name, fn, arrays)
