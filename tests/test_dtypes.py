"""dtype objects and device objects as torch's: `course.float32` prints like `torch.float32`,
Tensor.dtype and Tensor.device are objects, and both still compare equal to what lessons and
tests compare them with (NumPy dtypes, dtype names, device names)."""

import numpy as np
import pytest
import torch

import course
from course import dtypes

TORCH_NAMES = [name for name in dtypes.NAMES if hasattr(torch, name)]


def test_every_torch_dtype_name_prints_like_torch():
    assert len(TORCH_NAMES) == len(dtypes.NAMES)
    for name in TORCH_NAMES:
        ours, theirs = getattr(course, name), getattr(torch, name)
        assert isinstance(ours, course.dtype)
        assert str(ours) == str(theirs).replace("torch.", "course."), name
        assert ours.itemsize == theirs.itemsize, name
        assert ours.is_floating_point == theirs.is_floating_point, name
        assert ours.is_complex == theirs.is_complex, name


def test_aliases_are_one_object():
    assert course.float is course.float32 and course.double is course.float64
    assert course.long is course.int64 and course.int is course.int32
    assert course.half is course.float16 and course.short is course.int16


@pytest.mark.parametrize("spelling", [np.float32, np.dtype("float32"), "float32"])
def test_a_dtype_equals_its_numpy_dtype_in_any_spelling(spelling):
    assert course.float32 == spelling and spelling == course.float32
    assert not course.float32 != spelling
    assert course.float64 != spelling and spelling != course.float64
    assert course.int64 != spelling


def test_a_dtype_equals_nothing_else():
    assert course.float64 != None  # noqa: E711 - np.dtype(None) is float64: must not leak
    assert course.float32 != torch.float32  # a different library's dtype
    assert course.float32 != object()


def test_tensor_dtype_is_the_dtype_object_and_still_equals_numpy():
    x = course.tensor([1.0, 2.0])
    assert x.dtype is course.float32
    assert x.dtype == np.float32 and x.dtype == x.array.dtype
    assert course.tensor([1, 2]).dtype is course.long
    assert {np.dtype("float32"): "found"}[x.dtype] == "found"  # hashes as the NumPy dtype
    assert x.dtype.type(0.5).dtype == np.float32 and x.dtype.kind == "f"


def test_numpy_and_course_take_dtype_objects_where_they_take_a_dtype():
    assert np.zeros(2, dtype=course.half).dtype == np.float16
    assert np.ones(2).astype(course.float32).dtype == np.float32
    assert course.zeros(2, dtype=course.long).dtype is course.int64
    assert course.ones(2, 3, dtype=course.double).dtype is course.float64
    assert course.full((2,), 7, dtype=course.int32).dtype is course.int32
    assert course.arange(3, dtype=course.float).dtype is course.float32
    assert course.tensor([1, 2], dtype=course.float64).dtype is course.float64
    x = course.randn(3)
    assert x.to(course.float64).dtype is course.float64  # torch's x.to(dtype)
    assert x.type(course.half).dtype is course.float16
    assert x.to(course.zeros(1, dtype=course.double)).dtype is course.float64  # x.to(other)
    assert course.zeros_like(x, dtype=course.int).dtype is course.int32


@pytest.mark.parametrize(
    "values, dtype",
    [([1.5, 2.0], None), ([1, 2], None), ([True, False], None), ([1.5, 2.0], "float64"),
     ([1, 2], "int32"), ([1.0], "float16")],
)  # fmt: skip
def test_tensor_repr_names_the_dtype_as_torch_does(values, dtype):
    """After the values (whose number format is NumPy's), the same words as torch's."""
    ours = course.tensor(values, dtype=None if dtype is None else getattr(course, dtype))
    theirs = torch.tensor(values, dtype=None if dtype is None else getattr(torch, dtype))
    assert repr(ours).rsplit("]", 1)[1] == repr(theirs).rsplit("]", 1)[1].replace(
        "torch.", "course."
    )


def test_tensor_device_is_a_device_object_equal_to_its_name():
    x = course.zeros(2)
    assert isinstance(x.device, course.device)
    assert x.device == "cpu" and x.device == course.device("cpu") and x.device != "cuda"
    assert repr(x.device) == repr(torch.zeros(2).device)
    assert str(x.device) == "cpu" and f"{x.device}" == "cpu"
    assert {"cpu": "found"}[x.device] == "found"  # hashes as its name
    assert x.to(x.device) is x
