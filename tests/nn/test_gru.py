"""GRU against torch.nn.GRU with copied weights: outputs, h_n and every gradient (full BPTT)."""

import numpy as np
import pytest
import torch

import course
from course import nn
from course.ops.rnn import gru_sequence

pytestmark = pytest.mark.lesson05

DTYPES = {  # course dtype, torch dtype, NumPy dtype, atol
    "float32": (course.float32, torch.float32, np.float32, 1e-5),
    "float64": (course.float64, torch.float64, np.float64, 1e-10),
}


def _pair(a):
    return course.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _close(ours, theirs, what, np_dtype, atol):
    assert ours.dtype == np_dtype, f"{what}: dtype {ours.dtype}"
    np.testing.assert_allclose(
        ours.detach().numpy(), theirs.detach().numpy(), atol=atol, rtol=atol * 10, err_msg=what
    )


CASES = [  # num_layers, batch_first, unbatched, initial state, bias
    (1, False, False, False, True),
    (1, True, False, True, True),
    (1, False, False, True, False),
    (2, False, False, True, True),
    (2, True, False, False, False),
    (2, True, False, True, True),
    (1, False, True, False, True),
    (2, False, True, True, True),
    (2, True, True, True, False),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layers,batch_first,unbatched,init_state,bias", CASES)
def test_gru_matches_torch(layers, batch_first, unbatched, init_state, bias, dtype):
    ours_dtype, torch_dtype, np_dtype, atol = DTYPES[dtype]
    T, B, I, H = 6, 3, 5, 4
    kw = dict(num_layers=layers, batch_first=batch_first, bias=bias)
    torch.manual_seed(layers)
    theirs = torch.nn.GRU(I, H, dtype=torch_dtype, **kw)
    ours = nn.GRU(I, H, dtype=ours_dtype, **kw)
    ours.load_state_dict(theirs.state_dict())
    rng = np.random.default_rng(layers + 20)
    shape = (T, I) if unbatched else (B, T, I) if batch_first else (T, B, I)
    x, xt = _pair(rng.standard_normal(shape).astype(np_dtype))
    h0 = h0t = None
    if init_state:
        h0, h0t = _pair(
            rng.standard_normal((layers, H) if unbatched else (layers, B, H)).astype(np_dtype)
        )
    out, h = ours(x, h0)
    out_t, ht = theirs(xt, h0t)
    assert out.shape == tuple(out_t.shape) and h.shape == tuple(ht.shape)
    _close(out, out_t, "output", np_dtype, atol)
    _close(h, ht, "h_n", np_dtype, atol)
    # a loss that uses output and h_n, so every gradient path is checked
    w1, w2 = (rng.standard_normal(t.shape).astype(np_dtype) for t in (out_t, ht))
    ((out * course.tensor(w1)).sum() + (h * course.tensor(w2)).sum()).backward()
    ((out_t * torch.from_numpy(w1)).sum() + (ht * torch.from_numpy(w2)).sum()).backward()
    _close(x.grad, xt.grad, "grad of input", np_dtype, atol)
    if init_state:
        _close(h0.grad, h0t.grad, "grad of h0", np_dtype, atol)
    theirs_params = dict(theirs.named_parameters())
    assert [n for n, _ in ours.named_parameters()] == list(theirs_params)
    for name, p in ours.named_parameters():
        _close(p.grad, theirs_params[name].grad, f"grad of {name}", np_dtype, atol)


def test_gru_many_to_one_gradients_match_torch():
    """Only h_n feeds the loss, over a long sequence of large inputs (saturated gates)."""
    torch.manual_seed(0)
    theirs = torch.nn.GRU(3, 8, num_layers=2)
    ours = nn.GRU(3, 8, num_layers=2)
    ours.load_state_dict(theirs.state_dict())
    x, xt = _pair(np.random.default_rng(0).standard_normal((40, 2, 3)).astype(np.float32) * 3)
    _, h = ours(x)
    _, ht = theirs(xt)
    _close(h, ht, "h_n", np.float32, 1e-5)
    (h[-1] * h[-1]).sum().backward()
    (ht[-1] * ht[-1]).sum().backward()
    _close(x.grad, xt.grad, "grad of input", np.float32, 1e-5)
    theirs_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        _close(p.grad, theirs_params[name].grad, f"grad of {name}", np.float32, 1e-5)


def test_gru_weight_shapes_init_and_repr_like_torch():
    kw = dict(num_layers=2, bias=False, batch_first=True, dropout=0.25)
    m, t = nn.GRU(10, 20, **kw), torch.nn.GRU(10, 20, **kw)
    assert {k: tuple(v.shape) for k, v in m.state_dict().items()} == {
        k: tuple(v.shape) for k, v in t.state_dict().items()
    }
    assert all(np.abs(p.array).max() <= 1 / np.sqrt(20) for p in m.parameters())
    assert repr(m) == repr(t)


def test_gru_bidirectional_is_not_implemented():
    with pytest.raises(NotImplementedError, match="GRU: bidirectional"):
        nn.GRU(5, 4, bidirectional=True)


def test_gru_shape_errors():
    with pytest.raises(RuntimeError, match=r"GRU: expected input \(T, B, 5\)"):
        nn.GRU(5, 4)(course.randn(6, 3, 7))
    with pytest.raises(RuntimeError, match=r"GRU: expected input \(T, B, 5\) with batch_first"):
        nn.GRU(5, 4, batch_first=True)(course.randn(3, 6, 7))
    with pytest.raises(RuntimeError, match=r"GRU: initial state must have shape \(2, 3, 4\)"):
        nn.GRU(5, 4, num_layers=2)(course.randn(6, 3, 5), course.zeros(1, 3, 4))
    with pytest.raises(RuntimeError, match=r"GRU: initial state must have shape \(1, 1, 4\)"):
        nn.GRU(5, 4)(course.randn(6, 5), course.zeros(1, 3))


def test_gru_sequence_checks_its_arguments():
    x, h0 = course.randn(6, 3, 5), course.zeros(3, 4)
    w_ih, w_hh, b = course.randn(12, 5), course.randn(12, 4), course.zeros(12)
    with pytest.raises(RuntimeError, match=r"gru_sequence: w_ih has shape \(8, 5\)"):
        gru_sequence(x, h0, course.randn(8, 5), w_hh)
    with pytest.raises(RuntimeError, match=r"gru_sequence: h0 has shape \(2, 4\)"):
        gru_sequence(x, course.zeros(2, 4), w_ih, w_hh)
    with pytest.raises(RuntimeError, match=r"gru_sequence: b_hh has shape \(4,\)"):
        gru_sequence(x, h0, w_ih, w_hh, b, course.zeros(4))
    with pytest.raises(ValueError, match="gru_sequence: give both biases"):
        gru_sequence(x, h0, w_ih, w_hh, b)
