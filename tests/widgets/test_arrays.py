"""Strides and broadcasting explorers: facts match NumPy; the live versions react to sliders."""

import ipywidgets as w
import numpy as np
import pytest
from conftest import find

from course.widgets import StaticView, broadcast_explorer, strides_explorer
from course.widgets.arrays import broadcast_shape, strides_view


def test_strides_facts_match_numpy():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    html = strides_view(a, "a.T", a.T, 5)  # a.T[1, 2] = a[2, 1] = memory element 9
    assert "strides (4, 16) bytes" in html and "not contiguous" in html
    assert "= 36 = element 9 of memory" in html


def test_negative_strides_have_an_offset():
    a = np.arange(6, dtype=np.float64)
    html = strides_view(a, "a[::-1]", a[::-1], 0)
    assert "strides (-8,)" in html and "offset 40 bytes" in html and "element 5 of memory" in html


def test_static_strides_explorer(static):
    view = strides_explorer((2, 3), np.int16)
    assert isinstance(view, StaticView)
    assert "a.T: shape (3, 2), strides (2, 6)" in repr(view)


def test_live_strides_explorer_reacts(live):
    box = strides_explorer()
    [choose] = find(box, w.Dropdown)
    [element] = find(box, w.IntSlider)
    [out] = find(box, w.HTML)
    element.value = 4  # a[1, 0]
    assert "is at byte 0 + 1×16 + 0×4 = 16" in out.value
    choose.value = "a.T"
    assert "a.T[1, 1]" in out.value and "element 5 of memory" in out.value
    choose.value = "a[1:, 1:]"
    assert element.max == 5


@pytest.mark.parametrize(
    ("a", "b"), [((3, 1), (4,)), ((2, 1, 4), (3, 1)), ((5,), (1,)), ((0, 3), (3,)), ((), (2,))]
)
def test_broadcast_shape_matches_numpy(a, b):
    assert broadcast_shape(a, b) == np.broadcast_shapes(a, b)


def test_incompatible_shapes_name_the_dim(static):
    with pytest.raises(ValueError, match=r"dim -1 is 2 vs 4"):
        broadcast_shape((3, 2), (4,))
    assert "neither is 1" in repr(broadcast_explorer((3, 2), (4,)))


def test_static_broadcast_explorer(static):
    html = broadcast_explorer((3, 1), (1, 4))._repr_html_()
    assert "(a + b)[0, 0] = a[0, 0] + b[0, 0]" in html
    assert "(a + b)[2, 3] = a[2, 0] + b[0, 3]" in html
    assert "strides = (8, 0)" in html


def test_live_broadcast_explorer_reacts(live):
    box = broadcast_explorer((2, 1, 3), (4, 1))
    [slider] = find(box, w.IntSlider)
    out = find(box, w.HTML)[-1]
    assert slider.max == 2 * 4 * 3 - 1
    slider.value = 2 * 4 * 3 - 1
    assert "(a + b)[1, 3, 2] = a[1, 0, 2] + b[3, 0]" in out.value
