"""Module, Parameter, Sequential: registration, state dicts, modes, printing, init."""

import math

import numpy as np
import pytest
import torch

import course
from course import nn

pytestmark = pytest.mark.lesson03


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
        self.scale = nn.Parameter(course.ones(3))
        self.drop = nn.Dropout(0.5)
        self.not_a_param = course.ones(2)

    def forward(self, x):
        return self.drop(self.body(x)) * self.scale


class TorchNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.body = torch.nn.Sequential(
            torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3)
        )
        self.scale = torch.nn.Parameter(torch.ones(3))
        self.drop = torch.nn.Dropout(0.5)


def test_registration_names_and_order_match_torch():
    ours, theirs = Net(), TorchNet()
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [type(m).__name__ for m in ours.children()] == ["Sequential", "Dropout"]
    assert all(p.requires_grad and isinstance(p, nn.Parameter) for p in ours.parameters())
    assert len(list(ours.parameters())) == 5


def test_shared_parameter_is_listed_once_and_reassignment_replaces():
    m = nn.Module()
    m.a = nn.Linear(2, 2)
    m.b = m.a
    assert len(list(m.parameters())) == 2
    m.a = None
    assert [n for n, _ in m.named_parameters()] == ["b.weight", "b.bias"]


def test_load_state_dict_from_torch_numpy_and_course():
    ours, theirs = Net(), TorchNet()
    ours.load_state_dict(theirs.state_dict())
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy(), err_msg=name)
        assert p.dtype == np.float32
    other = Net()
    other.load_state_dict({k: v.numpy() for k, v in ours.state_dict().items()})
    again = Net()
    again.load_state_dict(other.state_dict())
    x = course.randn(5, 4)
    ours.eval(), again.eval()
    np.testing.assert_array_equal(ours(x).detach().numpy(), again(x).detach().numpy())


def test_state_dict_shares_memory_and_load_copies_in_place():
    m = nn.Linear(2, 3)
    sd = m.state_dict()
    assert list(sd) == ["weight", "bias"]
    assert np.shares_memory(sd["weight"].array, m.weight.array)
    weight = m.weight
    m.load_state_dict({"weight": np.zeros((3, 2)), "bias": np.ones(3)})
    assert m.weight is weight and m.weight.dtype == np.float32
    assert m.weight.detach().numpy().sum() == 0


def test_load_state_dict_errors_are_clear():
    m = nn.Linear(4, 3)
    with pytest.raises(RuntimeError, match=r"'weight' has shape \(3, 4\).*\(3, 5\)"):
        m.load_state_dict({"weight": np.zeros((3, 5)), "bias": np.zeros(3)})
    with pytest.raises(KeyError, match=r"missing keys \['bias'\]"):
        m.load_state_dict({"weight": np.zeros((3, 4))})
    with pytest.raises(KeyError, match=r"unexpected keys \['extra'\]"):
        m.load_state_dict({"weight": np.zeros((3, 4)), "bias": np.zeros(3), "extra": 1})
    res = m.load_state_dict({"weight": np.zeros((3, 4))}, strict=False)
    assert res.missing_keys == ["bias"]


def test_train_eval_propagate_and_dropout_follows():
    m = Net()
    m.eval()
    assert not any(mod.training for mod in m.modules())
    x = course.randn(3, 4)
    np.testing.assert_array_equal(m(x).detach().numpy(), m(x).detach().numpy())
    m.train()
    assert all(mod.training for mod in m.modules())


def test_zero_grad_and_to_device():
    m = nn.Linear(3, 2)
    m(course.randn(4, 3)).sum().backward()
    assert m.weight.grad is not None
    m.zero_grad()
    assert m.weight.grad is None
    assert m.to("cpu") is m and m.weight.device == "cpu"
    m.to(dtype=np.float64)
    assert m.weight.dtype == np.float64


def test_repr_reads_like_torch():
    ours = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Conv2d(1, 16, 3, padding=1),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.25))  # fmt: skip
    theirs = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Conv2d(1, 16, 3, padding=1),
        torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Dropout(0.25),
    )  # fmt: skip
    ours_lines, their_lines = repr(ours).splitlines(), repr(theirs).splitlines()
    assert ours_lines[:4] == their_lines[:4]  # Sequential(, Linear, ReLU, Conv2d
    assert len(ours_lines) == len(their_lines)
    for a, b in zip(ours_lines, their_lines):  # same "(i): Name(" on every line
        assert a.split("(")[:2] == b.split("(")[:2]
    assert repr(nn.Parameter(course.ones(1))).startswith("Parameter containing:")


def test_sequential_indexing_and_iteration():
    s = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    assert len(s) == 3 and isinstance(s[1], nn.Tanh) and isinstance(s[-1], nn.Linear)
    assert len(s[:2]) == 2
    assert [type(m).__name__ for m in s] == ["Linear", "Tanh", "Linear"]


def test_default_init_bounds_like_torch_and_seeded():
    course.manual_seed(0)
    a = nn.Linear(400, 50)
    course.manual_seed(0)
    b = nn.Linear(400, 50)
    np.testing.assert_array_equal(a.weight.array, b.weight.array)
    bound = 1 / math.sqrt(400)
    w = a.weight.array
    assert w.dtype == np.float32 and np.abs(w).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound  # std of U(-b, b)
    conv = nn.Conv2d(3, 8, 5)
    assert np.abs(conv.weight.array).max() <= 1 / math.sqrt(75)


@pytest.mark.parametrize(
    "fn,std",
    [
        (lambda t: nn.init.kaiming_uniform_(t, nonlinearity="relu"), math.sqrt(2 / 300)),
        (lambda t: nn.init.kaiming_normal_(t, nonlinearity="relu"), math.sqrt(2 / 300)),
        (nn.init.xavier_uniform_, math.sqrt(2 / 500)),
        (nn.init.xavier_normal_, math.sqrt(2 / 500)),
    ],
)
def test_init_functions_give_the_documented_spread(fn, std):
    t = nn.Parameter(np.empty((200, 300), np.float32))
    assert fn(t) is t
    assert t.dtype == np.float32
    assert abs(t.array.std() - std) < 0.03 * std
    nn.init.zeros_(t)
    assert not t.array.any()
    nn.init.ones_(t)
    assert (t.array == 1).all()
