"""The floor under `course bench mlp`: the same SGD step hand-written in plain NumPy.

No autograd, no modules, no checks: three GEMMs forward, five backward (the input's gradient
is skipped), in-place updates. It computes exactly what the framework computes, so its time
is what the framework's would be with zero overhead. Both it and the framework are timed
against the same torch twin with `course.bench.compare` (blocks, settle, medians).

Run: python benchmarks/numpy_floor.py [--repeat 30]
"""

from __future__ import annotations

import argparse

import numpy as np

import course
from course.bench import compare
from course.bench import workloads as W
from course.ops.fused import weight_grad


def numpy_mlp_step(model, X: np.ndarray, y: np.ndarray, lr: float = W.LR):
    """One SGD step of the 784-256-256-10 ReLU MLP on the framework model's own arrays."""
    (w1, b1), (w2, b2), (w3, b3) = [(m.weight.array, m.bias.array) for m in model.linears]
    n = X.shape[0]
    rows = np.arange(n)
    h1 = X @ w1.T
    h1 += b1
    a1 = np.maximum(h1, 0)
    h2 = a1 @ w2.T
    h2 += b2
    a2 = np.maximum(h2, 0)
    z = a2 @ w3.T
    z += b3
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    total = p.sum(axis=1)
    loss = (np.log(total) - z[rows, y]).mean()
    p /= total[:, None]
    p[rows, y] -= 1
    p /= n  # d(mean loss)/dz
    # Weight gradients in the weights' memory order, as ops.Linear computes them.
    grads = [(weight_grad(p, a2, w3), p.sum(axis=0))]
    g = p @ w3
    g *= h2 > 0
    grads.append((weight_grad(g, a1, w2), g.sum(axis=0)))
    g = g @ w2
    g *= h1 > 0
    grads.append((weight_grad(g, X, w1), g.sum(axis=0)))
    for (w, b), (gw, gb) in zip(((w3, b3), (w2, b2), (w1, b1)), grads, strict=True):
        gw *= lr
        w -= gw
        gb *= lr
        b -= gb
    return loss


class _Handle:
    def __init__(self, linears):
        self.linears = linears


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    course.keep_freed_memory()  # the malloc tuning `course bench` applies: course/allocator.py
    pair = W.mlp()
    # The hand-written step trains its own copy of the weights (same shapes, same data).
    model = course.nn.Sequential(
        course.nn.Linear(784, 256), course.nn.ReLU(),
        course.nn.Linear(256, 256), course.nn.ReLU(), course.nn.Linear(256, 10),
    )  # fmt: skip
    handle = _Handle([model[0], model[2], model[4]])
    rng = np.random.default_rng(0)
    X = rng.standard_normal((128, 784), dtype=np.float32)
    y = rng.integers(0, 10, size=128)
    kwargs = dict(warmup=3, repeat=args.repeat, rounds=3, number=1)
    steps = (("framework", pair.ours), ("plain NumPy", lambda: numpy_mlp_step(handle, X, y)))
    for name, fn in steps:
        result = compare(fn, pair.torch, name=name, **kwargs)
        print(
            f"mlp {name:<12} {result['ours'].median * 1e3:7.3f} ms   torch "
            f"{result['torch'].median * 1e3:7.3f} ms   ratio {result['ratio']:.2f}"
        )


if __name__ == "__main__":
    main()
