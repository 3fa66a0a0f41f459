"""ModuleList, ModuleDict, Identity and Module.apply: registration, the list and dict APIs,
and state-dict names equal to torch's."""

import numpy as np
import pytest
import torch

import course
from course import nn

tnn = torch.nn


def test_module_list_registers_and_behaves_like_a_list():
    layers = nn.ModuleList([nn.Linear(2, 3), nn.ReLU()])
    layers.append(nn.Linear(3, 4))
    layers.extend([nn.Tanh(), nn.Linear(4, 1)])
    layers.insert(1, nn.Identity())
    assert len(layers) == 6
    assert [type(m).__name__ for m in layers] == [
        "Linear", "Identity", "ReLU", "Linear", "Tanh", "Linear",
    ]  # fmt: skip
    assert isinstance(layers[-1], nn.Linear) and layers[-1] is layers[5]
    assert isinstance(layers[1:3], nn.ModuleList) and len(layers[1:3]) == 2
    assert sorted(layers.state_dict()) == [
        "0.bias", "0.weight", "3.bias", "3.weight", "5.bias", "5.weight",
    ]  # fmt: skip
    assert len(list(layers.parameters())) == 6
    del layers[0]
    assert len(layers) == 5 and isinstance(layers[0], nn.Identity)
    assert sorted(layers.state_dict())[:2] == ["2.bias", "2.weight"]
    layers[0] = nn.Linear(2, 2)
    assert isinstance(layers[0], nn.Linear)


def test_module_list_state_dict_names_match_torch():
    def build(m):
        class Net(m.Module):
            def __init__(self):
                super().__init__()
                self.blocks = m.ModuleList([m.Linear(3, 3) for _ in range(2)])
                self.heads = m.ModuleDict({"a": m.Linear(3, 1), "b": m.Linear(3, 2)})

            def forward(self, x):
                for block in self.blocks:
                    x = block(x)
                return self.heads["a"](x), self.heads["b"](x)

        return Net()

    ours, theirs = build(nn), build(tnn)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict(theirs.state_dict())
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    for a, b in zip(ours(course.tensor(x)), theirs(torch.from_numpy(x))):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_module_list_errors():
    layers = nn.ModuleList([nn.ReLU()])
    with pytest.raises(IndexError, match="ModuleList index 3 is out of range for 1 modules"):
        layers[3]
    with pytest.raises(TypeError, match="ModuleList.append: expected a Module, got int"):
        layers.append(3)
    with pytest.raises(TypeError, match="expected an iterable of Modules, got ReLU"):
        layers.extend(nn.ReLU())


def test_module_dict_mapping_api():
    d = nn.ModuleDict({"enc": nn.Linear(2, 3)})
    d["dec"] = nn.Linear(3, 2)
    d.update([("act", nn.ReLU())])
    assert list(d) == list(d.keys()) == ["enc", "dec", "act"]
    assert "dec" in d and len(d) == 3
    assert [type(m).__name__ for m in d.values()] == ["Linear", "Linear", "ReLU"]
    assert isinstance(d.pop("act"), nn.ReLU) and "act" not in d
    assert sorted(d.state_dict()) == ["dec.bias", "dec.weight", "enc.bias", "enc.weight"]
    with pytest.raises(KeyError, match="ModuleDict has no module 'x'"):
        d["x"]
    with pytest.raises(KeyError, match="would hide the attribute"):
        d["training"] = nn.ReLU()
    with pytest.raises(KeyError, match="without '.'"):
        d["a.b"] = nn.ReLU()
    d.clear()
    assert len(d) == 0 and list(d.parameters()) == []


def test_identity_returns_its_input():
    x = course.randn(2, 3, requires_grad=True)
    assert nn.Identity(54, unused="x")(x) is x


def test_apply_visits_children_before_parents_like_torch():
    def build(m):
        return m.Sequential(m.Linear(2, 3), m.Sequential(m.ReLU(), m.Linear(3, 1)))

    seen, seen_t = [], []
    model = build(nn)
    assert model.apply(lambda m: seen.append(type(m).__name__)) is model
    build(tnn).apply(lambda m: seen_t.append(type(m).__name__))
    assert seen == seen_t

    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.zeros_(m.weight)

    model.apply(init_weights)
    assert all(float(abs(p).sum()) == 0 for n, p in model.named_parameters() if "weight" in n)
    names = [n for n, _ in model.named_modules()]
    assert names == [n for n, _ in build(tnn).named_modules()]
