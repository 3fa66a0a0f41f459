"""Every layer of course.nn and both optimizers: a CUDA copy of the model against the NumPy
model built from the same seed (outputs, parameter gradients, parameters after steps)."""

import numpy as np
import pytest

import course
from course import nn, optim
from course.testing import assert_close

ATOL = RTOL = 1e-4
RNG = np.random.default_rng(0)


def f32(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def seq_lstm():
    return nn.LSTM(6, 8, num_layers=2)


class _Loss(nn.Module):
    """A loss module against a fixed target, as a one-input model."""

    def __init__(self, loss, target):
        super().__init__()
        self.loss, self.target = loss, target

    def forward(self, x):
        return self.loss(x, course.tensor(self.target, device=x.device))


class _Chain(nn.Module):
    """Runs the modules of a ModuleList (or a ModuleDict's values) in order."""

    def __init__(self, modules):
        super().__init__()
        self.blocks = modules

    def forward(self, x):
        for m in self.blocks.values() if isinstance(self.blocks, nn.ModuleDict) else self.blocks:
            x = m(x)
        return x


class _SelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.attention = nn.MultiheadAttention(8, 2)

    def forward(self, x):
        return self.attention(x, x, x)[0]


LAYERS = {
    "Linear": (lambda: nn.Linear(5, 3), f32(4, 5)),
    "Conv2d": (lambda: nn.Conv2d(3, 4, 3, padding=1), f32(2, 3, 6, 6)),
    "MaxPool2d": (lambda: nn.MaxPool2d(2), f32(2, 3, 6, 6)),
    "AvgPool2d": (lambda: nn.AvgPool2d(2), f32(2, 3, 6, 6)),
    "BatchNorm2d": (lambda: nn.BatchNorm2d(3), f32(4, 3, 5, 5)),
    "Flatten": (nn.Flatten, f32(2, 3, 4)),
    "ReLU": (nn.ReLU, f32(4, 5)),
    "Tanh": (nn.Tanh, f32(4, 5)),
    "Sigmoid": (nn.Sigmoid, f32(4, 5)),
    "Dropout": (lambda: nn.Dropout(0.5), f32(8, 9)),  # same seed: the same host-made mask
    "Embedding": (lambda: nn.Embedding(7, 4), RNG.integers(0, 7, (3, 5))),
    "RNN": (lambda: nn.RNN(6, 8), f32(5, 3, 6)),
    "LSTM": (seq_lstm, f32(5, 3, 6)),
    "GRU": (lambda: nn.GRU(6, 8, num_layers=2), f32(5, 3, 6)),
    "Sequential": (
        lambda: nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 2)),
        f32(4, 5),
    ),
    "ModuleList": (lambda: _Chain(nn.ModuleList([nn.Linear(5, 4), nn.Tanh()])), f32(4, 5)),
    "ModuleDict": (
        lambda: _Chain(nn.ModuleDict({"a": nn.Linear(5, 4), "b": nn.ReLU()})),
        f32(4, 5),
    ),
    "Identity": (nn.Identity, f32(4, 5)),
    "GELU": (nn.GELU, f32(4, 5)),
    "SiLU": (nn.SiLU, f32(4, 5)),
    "LeakyReLU": (lambda: nn.LeakyReLU(0.1), f32(4, 5)),
    "Softmax": (lambda: nn.Softmax(dim=1), f32(4, 5)),
    "LogSoftmax": (lambda: nn.LogSoftmax(dim=1), f32(4, 5)),
    "LayerNorm": (lambda: nn.LayerNorm(5), f32(4, 5)),
    "MultiheadAttention": (_SelfAttention, f32(3, 2, 8)),
    "MSELoss": (lambda: _Loss(nn.MSELoss(), f32(4, 5)), f32(4, 5)),
    "CrossEntropyLoss": (lambda: _Loss(nn.CrossEntropyLoss(), RNG.integers(0, 5, 4)), f32(4, 5)),
    "NLLLoss": (lambda: _Loss(nn.NLLLoss(), RNG.integers(0, 5, 4)), f32(4, 5)),
}


def _first(out):
    return out[0] if isinstance(out, tuple) else out


def _forward_backward(make, x, device):
    course.manual_seed(0)
    model = make().to(device)
    xt = course.tensor(x, device=device, requires_grad=x.dtype.kind == "f")
    out = _first(model(xt))
    w = course.tensor(np.random.default_rng(1).standard_normal(out.shape).astype(np.float32))
    (out * w.to(device)).sum().backward()
    return model, out, xt


def test_every_layer_has_a_case():
    modules = {"Module", "Parameter", "functional", "init", "utils"}  # not layers
    missing = sorted(set(nn.__all__) - set(LAYERS) - modules)
    assert not missing, f"add GPU cases for {missing}"


@pytest.mark.gpu
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_on_cuda_matches_numpy(name):
    make, x = LAYERS[name]
    cpu_model, cpu_out, cpu_x = _forward_backward(make, x, "cpu")
    gpu_model, gpu_out, gpu_x = _forward_backward(make, x, "cuda")
    assert gpu_out.device == "cuda" and gpu_out.dtype == cpu_out.dtype
    assert_close(
        gpu_out.detach().numpy(), cpu_out.detach().numpy(), ATOL, RTOL, name=f"{name} output"
    )
    if cpu_x.grad is not None:
        assert_close(
            gpu_x.grad.detach().numpy(), cpu_x.grad.detach().numpy(), ATOL, RTOL, name=f"{name} dx"
        )
    cpu_params = dict(cpu_model.named_parameters())
    for key, p in gpu_model.named_parameters():
        assert p.device == "cuda" and p.grad.device == "cuda", f"{name}.{key} left the GPU"
        assert_close(
            p.grad.detach().numpy(),
            cpu_params[key].grad.detach().numpy(),
            ATOL,
            RTOL,
            name=f"{key}.grad",
        )
    for key, buf in gpu_model.state_dict().items():  # running stats of BatchNorm too
        assert_close(buf, cpu_model.state_dict()[key], ATOL, RTOL, name=f"{name} state {key}")


OPTIMIZERS = {
    "SGD": lambda ps: optim.SGD(ps, lr=0.1),
    "SGD-momentum-nesterov-wd": lambda ps: optim.SGD(
        ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01
    ),
    "Adam": lambda ps: optim.Adam(ps, lr=0.01),
    "Adam-wd": lambda ps: optim.Adam(ps, lr=0.01, weight_decay=0.1),
}


def _train(make_opt, device, steps=3):
    course.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3)).to(device)
    opt = make_opt(model.parameters())
    X = course.tensor(f32(16, 5), device=device)  # noqa: N806 - the course's vocabulary
    y = course.tensor(np.arange(16) % 3, device=device)
    for _ in range(steps):
        opt.zero_grad()
        course.functional.cross_entropy(model(X), y).backward()
        opt.step()
    return model, opt


@pytest.mark.gpu
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_steps_on_cuda_match_numpy(name):
    global RNG
    RNG = np.random.default_rng(5)
    cpu_model, _ = _train(OPTIMIZERS[name], "cpu")
    RNG = np.random.default_rng(5)
    gpu_model, opt = _train(OPTIMIZERS[name], "cuda")
    for key, value in gpu_model.state_dict().items():
        assert_close(value, cpu_model.state_dict()[key], ATOL, RTOL, name=f"{name} {key}")
    for state in opt.state.values():
        for key, value in state.items():
            if hasattr(value, "shape"):
                assert course.backend.device_of(value) == "cuda", f"{name} state {key} on CPU"
