"""GELU, SiLU, LeakyReLU, layer norm and scaled dot-product attention against torch:
values and gradients of every input, float32 and float64, random shapes."""

import numpy as np
import pytest
import torch

import course
from course import functional as F  # noqa: N812
from course.ops.activation import erf
from course.testing import compare_with_torch

TF = torch.nn.functional
DTYPES = [np.float32, np.float64]


def _randn(seed, *shape, scale=1.0):
    return np.random.default_rng(seed).standard_normal(shape) * scale


def test_erf_matches_torch_to_float64_precision():
    x = np.concatenate([np.linspace(-9, 9, 20001), [0.0, -0.0, 2.5, -2.5, np.inf, -np.inf]])
    np.testing.assert_allclose(erf(x), torch.erf(torch.from_numpy(x)).numpy(), atol=2e-15)
    x32 = x.astype(np.float32)
    assert erf(x32).dtype == np.float32
    np.testing.assert_allclose(erf(x32), torch.erf(torch.from_numpy(x32)).numpy(), atol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize(
    "ours,theirs",
    [
        (F.gelu, TF.gelu),
        (lambda x: F.gelu(x, approximate="tanh"), lambda x: TF.gelu(x, approximate="tanh")),
        (F.silu, TF.silu),
        (F.leaky_relu, TF.leaky_relu),
        (lambda x: F.leaky_relu(x, 0.2), lambda x: TF.leaky_relu(x, 0.2)),
    ],
)
def test_activations_match_torch(ours, theirs, dtype, seed):
    shape = tuple(np.random.default_rng(seed).integers(1, 6, size=seed + 1))
    x = _randn(seed, *shape, scale=3.0)
    x.flat[0] = 0.0  # the kink of leaky_relu: torch's gradient there is the slope's
    atol = 1e-6 if dtype == np.float32 else None
    compare_with_torch(ours, x, torch_fn=theirs, dtype=dtype, atol=atol)


def test_activations_reject_integer_input_and_unknown_approximation():
    with pytest.raises(TypeError, match="gelu: expected a floating-point tensor, got course.int64"):
        F.gelu(course.tensor([1, 2]))
    with pytest.raises(ValueError, match="approximate must be 'none' or 'tanh', not 'erf'"):
        F.gelu(course.ones(2), approximate="erf")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("affine", ["both", "weight", "none"])
@pytest.mark.parametrize("shape,k", [((4, 7), 1), ((2, 3, 5), 1), ((2, 3, 4, 5), 2), ((6,), 1)])
def test_layer_norm_matches_torch(shape, k, affine, dtype):
    norm_shape = shape[len(shape) - k :]
    arrays = [_randn(0, *shape, scale=2.0) + 1.5]
    if affine != "none":
        arrays.append(_randn(1, *norm_shape))
    if affine == "both":
        arrays.append(_randn(2, *norm_shape))

    def ours(x, w=None, b=None):
        return F.layer_norm(x, norm_shape, w, b, eps=1e-5)

    def theirs(x, w=None, b=None):
        return TF.layer_norm(x, norm_shape, w, b, eps=1e-5)

    compare_with_torch(ours, *arrays, torch_fn=theirs, dtype=dtype)


def test_layer_norm_errors_name_the_shapes():
    x = course.randn(2, 3, 4)
    with pytest.raises(RuntimeError, match=r"input of shape \(2, 3, 4\) does not end with"):
        F.layer_norm(x, (3,))
    with pytest.raises(RuntimeError, match=r"weight of shape \(3,\) must have normalized_shape"):
        F.layer_norm(x, 4, course.ones(3))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "q_shape,k_shape,v_dim",
    [((2, 5, 4), (2, 5, 4), 4), ((2, 3, 6, 8), (2, 3, 4, 8), 5), ((3, 4), (7, 4), 2)],
)
@pytest.mark.parametrize("mask", ["none", "bool", "float", "causal"])
def test_sdpa_matches_torch(q_shape, k_shape, v_dim, mask, dtype):
    q, k = _randn(0, *q_shape), _randn(1, *k_shape)
    v = _randn(2, *k_shape[:-1], v_dim)
    length, source = q_shape[-2], k_shape[-2]
    extra = []
    if mask == "bool":
        m = np.random.default_rng(3).random((length, source)) > 0.3
        m[:, 0] = True  # every query sees a key (a fully masked row is NaN, in torch too)
        extra = [m]
    elif mask == "float":
        extra = [_randn(4, length, source)]

    def ours(q, k, v, m=None):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=m, is_causal=mask == "causal")

    def theirs(q, k, v, m=None):
        return TF.scaled_dot_product_attention(q, k, v, attn_mask=m, is_causal=mask == "causal")

    compare_with_torch(ours, q, k, v, *extra, torch_fn=theirs, dtype=dtype)


def test_sdpa_scale_and_broadcast_batch_dims_match_torch():
    q, k, v = _randn(0, 2, 3, 5, 4), _randn(1, 1, 3, 6, 4), _randn(2, 2, 1, 6, 3)
    mask = _randn(3, 3, 1, 6)  # broadcast over queries and batch

    def fn(q, k, v, m):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=m, scale=0.3)

    compare_with_torch(
        fn, q, k, v, mask,
        torch_fn=lambda q, k, v, m: TF.scaled_dot_product_attention(q, k, v, m, scale=0.3),
    )  # fmt: skip


def test_sdpa_dropout_is_seeded_and_scales_the_kept_weights():
    q, k, v = (course.randn(2, 8, 4) for _ in range(3))
    course.manual_seed(0)
    a = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    course.manual_seed(0)
    b = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.allclose(a.numpy(), F.scaled_dot_product_attention(q, k, v).numpy())
    np.testing.assert_array_equal(F.scaled_dot_product_attention(q, k, v, dropout_p=1).numpy(), 0)


def test_sdpa_errors_name_the_problem():
    q = course.randn(2, 5, 4)
    with pytest.raises(RuntimeError, match=r"query \(2, 5, 4\), key \(2, 5, 3\)"):
        F.scaled_dot_product_attention(q, course.randn(2, 5, 3), q)
    with pytest.raises(RuntimeError, match=r"attn_mask of shape \(4, 5\) does not broadcast"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=course.zeros(4, 5))
    with pytest.raises(ValueError, match="dropout_p must be in"):
        F.scaled_dot_product_attention(q, q, q, dropout_p=2.0)
