"""torch names on course: `course.device`, `course.cuda`, `clone()`, and the error naming a torch
feature course lacks; the device-picking lines of PyTorch programs run on course."""

from __future__ import annotations

import pytest
import torch

import course


def test_device_objects_print_and_compare_like_torchs():
    for name in ("cpu", "cuda", "cuda:1"):
        ours, theirs = course.device(name), torch.device(name)
        assert str(ours) == str(theirs) and (ours.type, ours.index) == (theirs.type, theirs.index)
    assert course.device("cuda", 1) == course.device("cuda:1")
    assert course.device("cpu") == "cpu" and course.device("cpu") != "cuda"
    assert course.device("cpu") != "tpu"  # an unknown name is unequal, not an error
    assert len({course.device("cpu"), course.device("cpu")}) == 1
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        course.device("tpu")


def test_the_usual_device_line_runs():
    dev = course.device("cuda" if course.cuda.is_available() else "cpu")
    x = course.ones(2, 3).to(dev)
    assert x.device == str(dev)


def test_cuda_namespace_without_a_gpu():
    if course.cuda.is_available():
        pytest.skip("a GPU is here: tests/gpu covers course.cuda on it")
    assert course.cuda.is_available() is torch.cuda.is_available() is False
    assert course.cuda.device_count() == 0
    with pytest.raises(RuntimeError, match="no CUDA GPU is usable here"):
        course.cuda.synchronize()
    course.cuda.manual_seed(0)  # accepted: course.manual_seed seeds every device
    course.cuda.manual_seed_all(0)
    with pytest.raises(TypeError, match="seed must be an int"):
        course.cuda.manual_seed("0")


@pytest.mark.gpu
def test_cuda_namespace_on_a_gpu():
    if not course.cuda.is_available():
        pytest.skip("skipped: no GPU")
    assert course.cuda.device_count() >= 1
    x = course.ones(1000, device="cuda") * 2
    course.cuda.synchronize()
    assert x.device == course.device("cuda")


@pytest.mark.parametrize(
    "get, torch_name",
    [
        (lambda: course.quantize_per_tensor, "torch.quantize_per_tensor"),
        (lambda: course.nn.Conv3d, "torch.nn.Conv3d"),
        (lambda: course.functional.unfold, "torch.nn.functional.unfold"),
        (lambda: course.optim.LBFGS, "torch.optim.LBFGS"),
        (lambda: course.ones(2).stft, "Tensor.stft"),
    ],
)
def test_a_missing_torch_feature_is_named(get, torch_name):
    assert eval(torch_name.replace("Tensor.", "torch.Tensor."), {"torch": torch})  # torch has it
    with pytest.raises(AttributeError, match=rf"{torch_name}, course does not implement it"):
        get()


def test_protocol_probes_get_the_plain_error():
    with pytest.raises(AttributeError) as info:
        course.ones(2).__array_interface__  # noqa: B018 - NumPy probes such names
    assert "course does not implement" not in str(info.value)
    assert not hasattr(course.ones(1), "_repr_html_")


def test_clone_is_a_copy_in_the_graph_like_torchs():
    a, at = course.ones(3, requires_grad=True), torch.ones(3, requires_grad=True)
    b, bt = a.clone(), at.clone()
    (b * 2).sum().backward()
    (bt * 2).sum().backward()
    assert (a.grad.numpy() == at.grad.numpy()).all() and b.grad_fn is not None
    c = course.zeros(2)
    d = c.clone()
    d.add_(1)
    assert c.tolist() == [0.0, 0.0] and d.tolist() == [1.0, 1.0], "clone shares no memory"


def test_nn_functional_and_softmax_where_torch_has_them():
    """`import torch.nn.functional as F`, `x.softmax(dim)` and `torch.softmax(x, dim)`, the
    idioms of most PyTorch programs, work with `import course as torch`."""
    import importlib

    import numpy as np
    import torch

    F = importlib.import_module("course.nn.functional")  # noqa: N806 - PyTorch's convention
    assert F is course.functional is course.nn.functional
    x = np.random.default_rng(0).standard_normal((3, 5)).astype(np.float32)
    t = torch.tensor(x)
    for got, want in [
        (course.tensor(x).softmax(-1), t.softmax(-1)),
        (course.tensor(x).log_softmax(dim=0), t.log_softmax(dim=0)),
        (course.softmax(course.tensor(x), dim=1), torch.softmax(t, dim=1)),
        (course.log_softmax(course.tensor(x), 1), torch.log_softmax(t, 1)),
    ]:
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6, atol=1e-6)
