"""im2col explorer: the matrix is what an im2col convolution multiplies; the slider moves."""

import ipywidgets as w
import numpy as np
import pytest
import torch
from conftest import find

from course.widgets import StaticView, im2col_explorer
from course.widgets.im2col import im2col_layout


@pytest.mark.parametrize(
    ("h", "w_", "k", "s", "p"), [(6, 6, 3, 1, 0), (5, 7, 3, 2, 1), (4, 4, 4, 1, 0), (3, 3, 2, 1, 2)]
)
def test_matrix_matches_torch_unfold(h, w_, k, s, p):
    _, matrix, (out_h, out_w) = im2col_layout(h, w_, k, s, p)
    x = torch.arange(h * w_, dtype=torch.float32).reshape(1, 1, h, w_) + 1  # 0 is padding
    cols = torch.nn.functional.unfold(x, k, padding=p, stride=s)[0].T.numpy() - 1
    ours = np.array([[-1 if v == "·" else int(v) for v in row] for row in matrix])
    assert (out_h * out_w, k * k) == cols.shape
    np.testing.assert_array_equal(ours, cols)


def test_kernel_larger_than_input_is_explained(static):
    with pytest.raises(ValueError, match="does not fit a 4x4"):
        im2col_layout(4, 4, 5)
    assert "does not fit" in repr(im2col_explorer(4, 4, 5))


def test_static_explorer_shows_first_and_last_position(static):
    view = im2col_explorer()
    assert isinstance(view, StaticView)
    html = view._repr_html_()
    assert "output (0, 0) of 4x4" in html and "output (3, 3) of 4x4" in html


def test_live_explorer_reacts_to_the_slider(live):
    box = im2col_explorer(height=5, width=5, kernel_size=3, stride=2, padding=1)
    [slider] = find(box, w.IntSlider)
    out = find(box, w.HTML)[-1]
    assert slider.max == 8 and "output (0, 0) of 3x3" in out.value
    slider.value = 5
    assert "output (1, 2) of 3x3: input rows 2..4, cols 4..6 -> row 5" in out.value
