"""LayerNorm, the activation modules and MultiheadAttention against torch with copied weights:
outputs, input gradients and every parameter's gradient, float32 and float64."""

import numpy as np
import pytest
import torch

import course
from course import nn
from course.testing import assert_close

tnn = torch.nn
DTYPES = [np.float32, np.float64]


def compare(ours, theirs, arrays, dtype, call=lambda m, *xs: m(*xs), atol=None):
    """Copy weights, cast both to ``dtype``, run ``call`` on each; compare outputs and grads."""
    ours.load_state_dict(theirs.state_dict())
    ours.to(dtype=dtype)
    theirs.to(torch.float64 if dtype == np.float64 else torch.float32)
    xs = [course.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    xts = [torch.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    outs, outs_t = call(ours, *xs), call(theirs, *xts)
    if not isinstance(outs, tuple):
        outs, outs_t = (outs,), (outs_t,)
    rng = np.random.default_rng(5)
    loss, loss_t = 0, 0
    for k, (o, t) in enumerate(zip(outs, outs_t)):
        if t is None:
            assert o is None, f"output {k}"
            continue
        assert o.dtype == dtype, f"output {k} dtype {o.dtype}"
        assert_close(o, t, atol=atol, name=f"{ours!r} output {k}")
        g = rng.standard_normal(tuple(t.shape)).astype(dtype)
        loss = loss + (o * course.tensor(g)).sum()
        loss_t = loss_t + (t * torch.from_numpy(g)).sum()
    loss.backward()
    loss_t.backward()
    for k, (x, xt) in enumerate(zip(xs, xts)):
        assert_close(x.grad, xt.grad, atol=atol, name=f"gradient of input {k}")
    theirs_params = dict(theirs.named_parameters())
    assert [n for n, _ in ours.named_parameters()] == list(theirs_params)
    for name, p in ours.named_parameters():
        assert p.grad is not None and p.grad.dtype == dtype, f"grad of {name}"
        assert_close(p.grad, theirs_params[name].grad, atol=atol, name=f"gradient of {name}")


def _randn(seed, *shape):
    return np.random.default_rng(seed).standard_normal(shape)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "make,shape",
    [
        (lambda m: m.LayerNorm(6), (3, 6)),
        (lambda m: m.LayerNorm((4, 5), eps=1e-3), (2, 3, 4, 5)),
        (lambda m: m.LayerNorm(5, elementwise_affine=False), (2, 3, 5)),
        (lambda m: m.LayerNorm(5, bias=False), (2, 5)),
        (lambda m: m.GELU(), (3, 7)),
        (lambda m: m.GELU(approximate="tanh"), (2, 3, 4)),
        (lambda m: m.SiLU(), (3, 7)),
        (lambda m: m.LeakyReLU(0.1), (3, 7)),
        (lambda m: m.Softmax(dim=1), (3, 7, 2)),
        (lambda m: m.LogSoftmax(dim=-1), (3, 7)),
        (lambda m: m.Identity(), (3, 7)),
    ],
)
def test_layer_matches_torch(make, shape, dtype):
    theirs = make(tnn)
    for p in theirs.parameters():  # not the 1 / 0 defaults: a swapped weight and bias shows
        torch.nn.init.normal_(p)
    compare(
        make(nn), theirs, [_randn(0, *shape) * 2], dtype, atol=1e-6 if dtype == np.float32 else None
    )


def test_layer_norm_starts_at_one_and_zero_and_prints_like_torch():
    ln = nn.LayerNorm((3, 4))
    np.testing.assert_array_equal(ln.weight.detach().numpy(), np.ones((3, 4)))
    np.testing.assert_array_equal(ln.bias.detach().numpy(), np.zeros((3, 4)))
    assert repr(ln) == repr(tnn.LayerNorm((3, 4)))
    with pytest.raises(RuntimeError, match=r"does not end with normalized_shape \(3, 4\)"):
        ln(course.randn(2, 4, 3))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("mask", ["none", "bool", "float", "padding", "3d"])
def test_multihead_attention_matches_torch(mask, need_weights, batch_first, dtype):
    e, h, n, length, source = 8, 2, 3, 4, 5
    torch.manual_seed(0)
    theirs = tnn.MultiheadAttention(e, h, batch_first=batch_first)
    torch.nn.init.normal_(theirs.in_proj_bias)
    torch.nn.init.normal_(theirs.out_proj.bias)
    ours = nn.MultiheadAttention(e, h, batch_first=batch_first)
    shape_q = (n, length, e) if batch_first else (length, n, e)
    shape_k = (n, source, e) if batch_first else (source, n, e)
    arrays = [_randn(1, *shape_q), _randn(2, *shape_k), _randn(3, *shape_k)]
    rng = np.random.default_rng(4)
    kw = {}
    if mask == "bool":
        m = rng.random((length, source)) > 0.6
        m[:, 0] = False
        kw["attn_mask"] = m
    elif mask == "float":
        kw["attn_mask"] = rng.standard_normal((length, source)).astype(dtype)
    elif mask == "3d":
        kw["attn_mask"] = rng.standard_normal((n * h, length, source)).astype(dtype)
    elif mask == "padding":
        m = rng.random((n, source)) > 0.5
        m[:, 0] = False
        kw["key_padding_mask"] = m

    def call(module, q, k, v):
        lib = course if isinstance(module, nn.Module) else torch
        masks = {key: lib.tensor(value) for key, value in kw.items()}
        return module(q, k, v, need_weights=need_weights, **masks)

    compare(ours, theirs, arrays, dtype, call=call, atol=1e-5 if dtype == np.float32 else None)


def test_multihead_attention_unbatched_and_per_head_weights_match_torch():
    theirs = tnn.MultiheadAttention(6, 3)
    ours = nn.MultiheadAttention(6, 3)
    x = _randn(0, 4, 6)
    compare(ours, theirs, [x, x, x], np.float64, call=lambda m, *xs: m(*xs))
    compare(
        nn.MultiheadAttention(6, 3, batch_first=True),
        tnn.MultiheadAttention(6, 3, batch_first=True),
        [_randn(1, 2, 4, 6)] * 3,
        np.float64,
        call=lambda m, q, k, v: m(q, k, v, average_attn_weights=False),
    )


def test_multihead_attention_errors():
    with pytest.raises(ValueError, match="embed_dim 10 must be divisible by num_heads 3"):
        nn.MultiheadAttention(10, 3)
    mha = nn.MultiheadAttention(8, 2)
    x = course.randn(4, 2, 8)
    with pytest.raises(RuntimeError, match=r"key_padding_mask of shape \(2, 3\) must be"):
        mha(x, x, x, key_padding_mask=course.zeros(2, 3, dtype=course.bool))
    with pytest.raises(RuntimeError, match=r"query of shape \(4, 2, 6\) must be"):
        mha(course.randn(4, 2, 6), x, x)


def test_a_transformer_block_trains_on_course():
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.attn = nn.MultiheadAttention(8, 2, batch_first=True)
            self.ln1, self.ln2 = nn.LayerNorm(8), nn.LayerNorm(8)
            self.mlp = nn.Sequential(nn.Linear(8, 16), nn.GELU(), nn.Linear(16, 8))

        def forward(self, x):
            h = self.ln1(x)
            x = x + self.attn(h, h, h, need_weights=False)[0]
            return x + self.mlp(self.ln2(x))

    model = nn.ModuleList([Block(), Block()])
    x = course.randn(2, 5, 8)
    for block in model:
        x = block(x)
    x.sum().backward()
    assert all(p.grad is not None for p in model.parameters())
