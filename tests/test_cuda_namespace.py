"""`course.device` and `course.cuda`: the device-picking lines of PyTorch programs run on course."""

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
