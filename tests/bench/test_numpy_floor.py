"""benchmarks/numpy_floor.py claims to compute exactly the framework's MLP step: check it."""

import importlib.util
from pathlib import Path

import numpy as np

import course
from course import functional as F
from course import nn, optim
from course.testing import assert_close

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "numpy_floor.py"


def load_script():
    spec = importlib.util.spec_from_file_location("numpy_floor", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_mlp():
    course.manual_seed(3)
    return nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)
    )


def test_plain_numpy_step_equals_the_framework_step():
    floor = load_script()
    rng = np.random.default_rng(0)
    X = rng.standard_normal((16, 784), dtype=np.float32)
    y = rng.integers(0, 10, size=16)
    ours, plain = make_mlp(), make_mlp()
    opt = optim.SGD(ours.parameters(), lr=floor.W.LR)
    for _ in range(2):
        opt.zero_grad()
        loss = F.cross_entropy(ours(course.tensor(X)), course.tensor(y))
        loss.backward()
        opt.step()
        plain_loss = floor.numpy_mlp_step(floor._Handle([plain[0], plain[2], plain[4]]), X, y)
        assert_close(plain_loss, loss.item(), atol=1e-6, name="loss")
    for (name, a), (_, b) in zip(ours.named_parameters(), plain.named_parameters(), strict=True):
        assert_close(b.array, a.array, atol=1e-6, name=name)
