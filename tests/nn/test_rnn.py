"""RNN and LSTM against torch.nn.RNN / torch.nn.LSTM with copied weights, full BPTT."""

import numpy as np
import pytest
import torch

import course
from course import nn

pytestmark = pytest.mark.lesson05


def _t(a, grad=True):
    return course.tensor(a, requires_grad=grad), torch.tensor(a, requires_grad=grad)


def _close(ours, theirs, what, atol=1e-5):
    assert ours.dtype == np.float32, f"{what}: dtype {ours.dtype}"
    np.testing.assert_allclose(
        ours.detach().numpy(), theirs.detach().numpy(), atol=atol, rtol=1e-4, err_msg=what
    )


CASES = [  # num_layers, batch_first, initial state, bias
    (1, False, False, True),
    (1, True, True, True),
    (2, False, True, True),
    (2, True, False, False),
]


@pytest.mark.parametrize("layers,batch_first,init_state,bias", CASES)
def test_lstm_matches_torch(layers, batch_first, init_state, bias):
    T, B, I, H = 6, 3, 5, 4
    kw = dict(num_layers=layers, batch_first=batch_first, bias=bias)
    ours, theirs = nn.LSTM(I, H, **kw), torch.nn.LSTM(I, H, **kw)
    ours.load_state_dict(theirs.state_dict())
    rng = np.random.default_rng(layers)
    x, xt = _t(rng.standard_normal((B, T, I) if batch_first else (T, B, I)).astype(np.float32))
    state = state_t = None
    if init_state:
        (h0, h0t), (c0, c0t) = (
            _t(rng.standard_normal((layers, B, H)).astype(np.float32)) for _ in range(2)
        )
        state, state_t = (h0, c0), (h0t, c0t)
    out, (h, c) = ours(x, state)
    out_t, (ht, ct) = theirs(xt, state_t)
    for a, b, what in ((out, out_t, "output"), (h, ht, "h_n"), (c, ct, "c_n")):
        _close(a, b, what)
    # a loss that uses output, h_n and c_n, so every gradient path is checked
    w = [rng.standard_normal(t.shape).astype(np.float32) for t in (out_t, ht, ct)]
    loss = sum(((a * course.tensor(wi)).sum() for a, wi in zip((out, h, c), w)), course.tensor(0.0))
    loss_t = sum((a * torch.from_numpy(wi)).sum() for a, wi in zip((out_t, ht, ct), w))
    loss.backward()
    loss_t.backward()
    _close(x.grad, xt.grad, "grad of input")
    if init_state:
        _close(h0.grad, h0t.grad, "grad of h0")
        _close(c0.grad, c0t.grad, "grad of c0")
    theirs_params = dict(theirs.named_parameters())
    assert [n for n, _ in ours.named_parameters()] == list(theirs_params)
    for name, p in ours.named_parameters():
        _close(p.grad, theirs_params[name].grad, f"grad of {name}")


@pytest.mark.parametrize("layers,batch_first,init_state,bias", CASES)
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_matches_torch(layers, batch_first, init_state, bias, nonlinearity):
    T, B, I, H = 5, 2, 3, 4
    kw = dict(num_layers=layers, batch_first=batch_first, bias=bias, nonlinearity=nonlinearity)
    ours, theirs = nn.RNN(I, H, **kw), torch.nn.RNN(I, H, **kw)
    ours.load_state_dict(theirs.state_dict())
    rng = np.random.default_rng(layers + 10)
    x, xt = _t(rng.standard_normal((B, T, I) if batch_first else (T, B, I)).astype(np.float32))
    h0 = h0t = None
    if init_state:
        h0, h0t = _t(rng.standard_normal((layers, B, H)).astype(np.float32))
    out, h = ours(x, h0)
    out_t, ht = theirs(xt, h0t)
    _close(out, out_t, "output")
    _close(h, ht, "h_n")
    w1, w2 = (rng.standard_normal(t.shape).astype(np.float32) for t in (out_t, ht))
    ((out * course.tensor(w1)).sum() + (h * course.tensor(w2)).sum()).backward()
    ((out_t * torch.from_numpy(w1)).sum() + (ht * torch.from_numpy(w2)).sum()).backward()
    _close(x.grad, xt.grad, "grad of input")
    if init_state:
        _close(h0.grad, h0t.grad, "grad of h0")
    theirs_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        _close(p.grad, theirs_params[name].grad, f"grad of {name}")


def test_lstm_long_sequence_and_unbatched_input():
    ours, theirs = nn.LSTM(3, 8), torch.nn.LSTM(3, 8)
    ours.load_state_dict(theirs.state_dict())
    x_np = np.random.default_rng(0).standard_normal((40, 3)).astype(np.float32) * 3
    out, (h, c) = ours(course.tensor(x_np))
    out_t, (ht, ct) = theirs(torch.from_numpy(x_np))
    assert out.shape == (40, 8) and h.shape == (1, 8)
    _close(out, out_t, "output", atol=1e-5)
    _close(c, ct, "c_n", atol=1e-5)


def test_default_init_and_weight_shapes_like_torch():
    m = nn.LSTM(10, 20, num_layers=2)
    t = torch.nn.LSTM(10, 20, num_layers=2)
    assert {k: tuple(v.shape) for k, v in m.state_dict().items()} == {
        k: tuple(v.shape) for k, v in t.state_dict().items()
    }
    assert all(np.abs(p.array).max() <= 1 / np.sqrt(20) for p in m.parameters())


def test_recurrent_shape_errors():
    with pytest.raises(RuntimeError, match=r"expected input \(T, B, 5\)"):
        nn.LSTM(5, 4)(course.randn(6, 3, 7))
    with pytest.raises(RuntimeError, match=r"initial state must have shape \(1, 3, 4\)"):
        nn.RNN(5, 4)(course.randn(6, 3, 5), course.zeros(1, 2, 4))


def test_lstm_many_to_one_gradients_match_torch():
    """Only h_n feeds the loss: the backward pass skips the per-step output gradients."""
    ours, theirs = nn.LSTM(4, 6, num_layers=2), torch.nn.LSTM(4, 6, num_layers=2)
    ours.load_state_dict(theirs.state_dict())
    x, xt = _t(np.random.default_rng(3).standard_normal((7, 2, 4)).astype(np.float32))
    _, (h, _) = ours(x)
    _, (ht, _) = theirs(xt)
    (h[-1] * h[-1]).sum().backward()
    (ht[-1] * ht[-1]).sum().backward()
    _close(x.grad, xt.grad, "grad of input")
    theirs_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        _close(p.grad, theirs_params[name].grad, f"grad of {name}")
