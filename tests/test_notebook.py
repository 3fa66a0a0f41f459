"""Hiding the reference during hidden tests, and quick runs."""

import pytest

import course
from course import ops
from course.notebook import ReferenceUsedError, quick, sizes, without_reference
from course.ops import pointwise


def test_without_reference_blocks_every_name_bound_to_a_function():
    from course.ops import sigmoid as bound_elsewhere

    x = course.randn(3)
    with without_reference(pointwise.sigmoid):
        for call in (lambda: bound_elsewhere(x), lambda: x.sigmoid(), lambda: ops.sigmoid(x)):
            with pytest.raises(AssertionError, match="write this one yourself"):
                call()
    assert bound_elsewhere(x).shape == (3,)  # restored afterwards


def test_without_reference_blocks_classes_and_attributes_and_restores_them():
    x = course.randn(2)
    with without_reference(pointwise.Tanh, (course.Tensor, "exp")):
        with pytest.raises(ReferenceUsedError):
            x.tanh()
        with pytest.raises(ReferenceUsedError):
            x.exp()
    assert x.tanh().shape == (2,) and x.exp().shape == (2,)


def test_without_reference_restores_after_an_error():
    with pytest.raises(RuntimeError):
        with without_reference(pointwise.relu):
            raise RuntimeError("boom")
    assert course.relu(course.tensor([-1.0, 2.0])).tolist() == [0.0, 2.0]


def test_quick_mode(monkeypatch):
    monkeypatch.setenv("COURSE_QUICK", "1")
    assert quick() and sizes(1000, 10) == 10
    monkeypatch.setenv("COURSE_QUICK", "0")
    assert not quick() and sizes(1000, 10) == 1000
