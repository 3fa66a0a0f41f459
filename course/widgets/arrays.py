"""Explorers for strides (where an element of a view lives in memory) and broadcasting."""

from __future__ import annotations

import html

import numpy as np

from course.widgets.base import StaticView, grid_html, headless


def _views(shape: tuple[int, ...], dtype) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """An array whose values are their own memory positions, and some views of it."""
    a = np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape)
    views = {"a": a}
    if a.ndim >= 2:
        views["a.T"] = a.T
        views["a[:, ::2]"] = a[:, ::2]
        views["a[1:, 1:]"] = a[1:, 1:]
    views["a[::-1]"] = a[::-1]
    views["a[::2]"] = a[::2]
    return a, {name: v for name, v in views.items() if v.size}


def strides_view(base: np.ndarray, name: str, view: np.ndarray, k: int) -> str:
    """HTML: the view (element ``k`` in C order highlighted), its strides, and memory order."""
    itemsize = base.itemsize
    index = tuple(int(i) for i in np.unravel_index(k, view.shape))
    offset = view.ctypes.data - base.ctypes.data
    byte = offset + sum(i * s for i, s in zip(index, view.strides))
    position = byte // itemsize
    in_view = {(int(v),) for v in view.ravel()}
    memory = grid_html(
        base.ravel(), in_view, "memory (one row of bytes; shaded: in this view)", "#cde"
    )
    memory = memory.replace(f">{position}</td>", f' data-selected="1">[{position}]</td>', 1)
    terms = " + ".join(f"{i}×{s}" for i, s in zip(index, view.strides))
    flags = (
        "contiguous" if view.flags["C_CONTIGUOUS"] else "not contiguous (a copy would be needed)"
    )
    facts = (
        f"<pre>{html.escape(name)}: shape {view.shape}, strides {view.strides} bytes "
        f"({tuple(s // itemsize for s in view.strides)} elements of {itemsize} bytes), "
        f"offset {offset} bytes, {flags}\n"
        f"{html.escape(name)}{list(index)} is at byte {offset} + {terms} = {byte}"
        f" = element {position} of memory</pre>"
    )
    table = grid_html(view, {index}, f"{name} (values = memory positions)")
    return facts + table + memory


def strides_explorer(shape: tuple[int, ...] = (3, 4), dtype=np.float32):
    """Pick a view and an element; see shape, strides and byte offset -> memory position."""
    base, views = _views(tuple(shape), dtype)
    if headless():
        body = "".join(strides_view(base, name, v, min(1, v.size - 1)) for name, v in views.items())
        text = "\n".join(f"{n}: shape {v.shape}, strides {v.strides}" for n, v in views.items())
        return StaticView(body, text, f"strides of a {base.shape} {base.dtype} array")

    import ipywidgets as w

    choose = w.Dropdown(options=list(views), value="a", description="view")
    element = w.IntSlider(min=0, max=base.size - 1, value=1, description="element")
    out = w.HTML()

    def redraw(_=None):
        view = views[choose.value]
        element.max = view.size - 1
        out.value = strides_view(base, choose.value, view, min(element.value, view.size - 1))

    choose.observe(redraw, "value")
    element.observe(redraw, "value")
    redraw()
    return w.VBox([w.HBox([choose, element]), out])


def broadcast_shape(shape_a: tuple[int, ...], shape_b: tuple[int, ...]) -> tuple[int, ...]:
    """NumPy's result shape; when there is none, the error names the dim that clashes."""
    try:
        return np.broadcast_shapes(shape_a, shape_b)
    except ValueError:
        pass
    n = max(len(shape_a), len(shape_b))
    a = (1,) * (n - len(shape_a)) + tuple(shape_a)
    b = (1,) * (n - len(shape_b)) + tuple(shape_b)
    dim = next(d for d, (x, y) in enumerate(zip(a, b)) if x != y and 1 not in (x, y))
    raise ValueError(
        f"cannot broadcast {tuple(shape_a)} with {tuple(shape_b)}: dim {dim - n} is "
        f"{a[dim]} vs {b[dim]}, and neither is 1"
    )


def _rule_table(shape_a, shape_b, result) -> str:
    n = max(len(shape_a), len(shape_b))
    rows = []
    for name, shape in (("a", shape_a), ("b", shape_b), ("a + b", result)):
        padded = ["·"] * (n - len(shape)) + [str(s) for s in shape]
        rows.append([name] + padded)
    body = "".join(
        "<tr>"
        + "".join(f'<td style="padding:2px 8px;text-align:right">{c}</td>' for c in r)
        + "</tr>"
        for r in rows
    )
    return f'<table style="font-family:monospace">{body}</table>'


def broadcast_view(shape_a, shape_b, k: int) -> str:
    """HTML: the shapes aligned, and which a and b elements make output element ``k``."""
    result = broadcast_shape(shape_a, shape_b)
    index = np.unravel_index(k, result)
    a = np.arange(int(np.prod(shape_a))).reshape(shape_a)
    b = np.arange(int(np.prod(shape_b))).reshape(shape_b)

    def source(shape):
        tail = index[len(result) - len(shape) :]
        return tuple(0 if s == 1 else int(i) for s, i in zip(shape, tail))

    ia, ib = source(shape_a), source(shape_b)
    stretched = np.broadcast_to(a, result)
    text = (
        f"<pre>(a + b){list(map(int, index))} = a{list(ia)} + b{list(ib)}\n"
        f"broadcast_to(a, {result}).strides = {stretched.strides} (0 = the same element reused)"
        "</pre>"
    )
    out = np.array([f"a{a[ia]}+b{b[ib]}" if i == k else "" for i in range(int(np.prod(result)))])
    grids = (
        grid_html(a, {ia}, f"a {tuple(shape_a)}")
        + grid_html(b, {ib}, f"b {tuple(shape_b)}")
        + grid_html(out.reshape(result), {tuple(map(int, index))}, f"a + b {result}")
    )
    return _rule_table(shape_a, shape_b, result) + text + grids


def broadcast_explorer(shape_a: tuple[int, ...], shape_b: tuple[int, ...]):
    """Slide over the output of ``a + b``: which element of a and of b does each one use?"""
    shape_a, shape_b = tuple(shape_a), tuple(shape_b)
    try:
        result = broadcast_shape(shape_a, shape_b)
    except ValueError as error:
        return StaticView(f"<pre>{html.escape(str(error))}</pre>", str(error), "broadcasting")
    title = f"broadcasting {shape_a} with {shape_b} -> {result}"
    size = int(np.prod(result))
    if headless() or size == 0:
        ks = sorted({0, size - 1}) if size else []
        body = "".join(broadcast_view(shape_a, shape_b, k) for k in ks)
        return StaticView(body or "<pre>empty result</pre>", title, title)

    import ipywidgets as w

    element = w.IntSlider(min=0, max=size - 1, value=0, description="output")
    out = w.HTML(broadcast_view(shape_a, shape_b, 0))
    element.observe(
        lambda change: setattr(out, "value", broadcast_view(shape_a, shape_b, change.new)), "value"
    )
    return w.VBox([w.HTML(f"<b>{html.escape(title)}</b>"), element, out])
