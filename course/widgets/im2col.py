"""An im2col explorer: slide over the output positions of a convolution and see the window
in the (padded) input and the row of the im2col matrix that it becomes."""

from __future__ import annotations

import html

import numpy as np

from course.widgets.base import StaticView, grid_html, headless


def im2col_layout(height: int, width: int, kernel_size: int, stride: int = 1, padding: int = 0):
    """(padded input labels, im2col matrix labels, output shape); ``·`` marks padding."""
    if min(height, width, kernel_size, stride) < 1 or padding < 0:
        raise ValueError(
            f"im2col: need positive sizes and padding >= 0, got height={height}, width={width}, "
            f"kernel_size={kernel_size}, stride={stride}, padding={padding}"
        )
    hp, wp = height + 2 * padding, width + 2 * padding
    out_h, out_w = (hp - kernel_size) // stride + 1, (wp - kernel_size) // stride + 1
    if out_h < 1 or out_w < 1:
        raise ValueError(
            f"im2col: a {kernel_size}x{kernel_size} kernel does not fit a {hp}x{wp} padded input"
        )
    padded = np.full((hp, wp), "·", dtype=object)
    padded[padding : padding + height, padding : padding + width] = (
        np.arange(height * width).reshape(height, width).astype(str)
    )
    rows = []
    for i in range(out_h):
        for j in range(out_w):
            window = padded[
                i * stride : i * stride + kernel_size, j * stride : j * stride + kernel_size
            ]
            rows.append(window.ravel())
    return padded, np.array(rows, dtype=object), (out_h, out_w)


def im2col_view(height, width, kernel_size, stride, padding, position: int) -> str:
    """HTML for one output position: its window in the input and its row in the matrix."""
    padded, matrix, (out_h, out_w) = im2col_layout(height, width, kernel_size, stride, padding)
    i, j = divmod(position, out_w)
    window = {
        (i * stride + a, j * stride + b) for a in range(kernel_size) for b in range(kernel_size)
    }
    row = {(position, c) for c in range(matrix.shape[1])}
    text = (
        f"<pre>output ({i}, {j}) of {out_h}x{out_w}: input rows {i * stride}.."
        f"{i * stride + kernel_size - 1}, cols {j * stride}..{j * stride + kernel_size - 1} "
        f"-> row {position} of the "
        f"{matrix.shape[0]}x{matrix.shape[1]} im2col matrix.\n"
        f"conv2d = (im2col matrix) @ kernel.reshape({kernel_size * kernel_size}): one GEMM "
        f"for all {matrix.shape[0]} positions; each input value is copied up to "
        f"{int(np.ceil(kernel_size / stride)) ** 2} times.</pre>"
    )
    grids = grid_html(padded, window, f"input {height}x{width}, padding {padding} (·)")
    grids += grid_html(matrix, row, "im2col matrix: one row per output position")
    return text + f'<div style="display:flex;gap:16px;align-items:flex-start">{grids}</div>'


def im2col_explorer(
    height: int = 6, width: int = 6, kernel_size: int = 3, stride: int = 1, padding: int = 0
):
    """Slide over output positions: window in the input <-> row of the im2col matrix."""
    args = (height, width, kernel_size, stride, padding)
    try:
        _, matrix, _ = im2col_layout(*args)
    except ValueError as error:
        return StaticView(f"<pre>{html.escape(str(error))}</pre>", str(error), "im2col")
    title = f"im2col: {height}x{width} input, {kernel_size}x{kernel_size} kernel, stride {stride}"
    positions = matrix.shape[0]
    if headless():
        shown = sorted({0, positions - 1})
        body = "".join(im2col_view(*args, p) for p in shown)
        return StaticView(body, f"{title}: {positions} positions", title)

    import ipywidgets as w

    slider = w.IntSlider(min=0, max=positions - 1, value=0, description="position")
    play = w.Play(min=0, max=positions - 1, interval=600, description="play")
    w.jslink((play, "value"), (slider, "value"))
    out = w.HTML(im2col_view(*args, 0))
    slider.observe(lambda change: setattr(out, "value", im2col_view(*args, change.new)), "value")
    return w.VBox([w.HTML(f"<b>{html.escape(title)}</b>"), w.HBox([play, slider]), out])
