"""An autograd graph viewer drawn as SVG (no Graphviz): inputs on the left, the output right."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np

from course.widgets.base import StaticView, headless

BOX_W, BOX_H, GAP_X, GAP_Y = 170, 50, 60, 18
MAX_NODES = 150


@dataclass
class Node:
    """One value in the graph: what made it, its shape/dtype, and the nodes it came from."""

    obj: object
    op: str
    label: str
    parents: list[int] = field(default_factory=list)
    depth: int = 0


def _describe(obj) -> tuple[str, str, list]:
    """(op, label, parents) for a course Tensor or a micrograd-style Value (``_prev``/``_op``)."""
    if hasattr(obj, "_ctx"):
        ctx = obj._ctx
        inputs = list(getattr(ctx, "inputs", None) or []) if ctx is not None else []
        op = ctx.name if ctx is not None else ("leaf" if obj.requires_grad else "constant")
        label = f"{tuple(obj.shape)} {obj.dtype.name}"
        return op, label, inputs
    prev = list(getattr(obj, "_prev", ()) or ())
    op = getattr(obj, "_op", "") or "leaf"
    name = getattr(obj, "label", "")
    label = f"{name + ' = ' if name else ''}{float(obj.data):.4g}"
    if isinstance(getattr(obj, "grad", None), (int, float)):
        label += f", grad {float(obj.grad):.3g}"
    return op, label, prev


def build(root, max_nodes: int = MAX_NODES) -> tuple[list[Node], bool]:
    """The graph behind ``root`` (root first), each node's depth = longest path to the root."""
    index: dict[int, int] = {}
    nodes: list[Node] = []
    stack = [root]
    truncated = False
    while stack:
        obj = stack.pop()
        if id(obj) in index:
            continue
        if len(nodes) >= max_nodes:
            truncated = True
            break
        op, label, parents = _describe(obj)
        index[id(obj)] = len(nodes)
        nodes.append(Node(obj, op, label))
        nodes[-1].parents = parents  # objects for now, indices below
        stack.extend(reversed(parents))
    for node in nodes:
        node.parents = [index[id(p)] for p in node.parents if id(p) in index]
    for i in _topological(nodes):  # root first: a parent is deeper than each of its children
        for p in nodes[i].parents:
            nodes[p].depth = max(nodes[p].depth, nodes[i].depth + 1)
    return nodes, truncated


def _topological(nodes: list[Node]) -> list[int]:
    children_left = [0] * len(nodes)
    for node in nodes:
        for p in node.parents:
            children_left[p] += 1
    order, ready = [], [0]
    while ready:
        i = ready.pop()
        order.append(i)
        for p in nodes[i].parents:
            children_left[p] -= 1
            if children_left[p] == 0:
                ready.append(p)
    return order


def _positions(nodes: list[Node]) -> dict[int, tuple[float, float]]:
    max_depth = max(n.depth for n in nodes)
    rows: dict[int, int] = {}
    pos = {}
    for i, node in enumerate(nodes):
        column = max_depth - node.depth
        row = rows.get(column, 0)
        rows[column] = row + 1
        pos[i] = (10 + column * (BOX_W + GAP_X), 10 + row * (BOX_H + GAP_Y))
    return pos


def svg(nodes: list[Node], selected: int | None = None) -> str:
    """The graph as an SVG string; node ``selected`` is outlined in orange."""
    pos = _positions(nodes)
    width = max(x for x, _ in pos.values()) + BOX_W + 10
    height = max(y for _, y in pos.values()) + BOX_H + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="monospace" font-size="12">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    for i, node in enumerate(nodes):
        x2, y2 = pos[i]
        for p in node.parents:
            x1, y1 = pos[p]
            parts.append(
                f'<line x1="{x1 + BOX_W}" y1="{y1 + BOX_H / 2}" x2="{x2}" y2="{y2 + BOX_H / 2}" '
                'stroke="#555" marker-end="url(#arrow)"/>'
            )
    for i, node in enumerate(nodes):
        x, y = pos[i]
        fill = "#dff0d8" if node.op in ("leaf", "constant") else "#d9e8fb"
        color, thick = ("#f80", 3) if i == selected else ("#333", 1)
        parts.append(
            f'<g class="node" data-index="{i}"><rect x="{x}" y="{y}" width="{BOX_W}" '
            f'height="{BOX_H}" rx="6" fill="{fill}" stroke="{color}" stroke-width="{thick}"/>'
            f'<text x="{x + 8}" y="{y + 19}" font-weight="bold">{i}: {html.escape(node.op)}</text>'
            f'<text x="{x + 8}" y="{y + 38}">{html.escape(node.label[:22])}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def details(node: Node, i: int) -> str:
    """Shape, dtype, values and gradient of one node, as HTML."""
    obj = node.obj
    # A course Tensor's raw array is .array (its .data is a Tensor); a Value's .data a float.
    data = obj.array if hasattr(obj, "array") else getattr(obj, "data", None)
    grad = getattr(obj, "grad", None)
    grad = getattr(grad, "array", grad)
    lines = [f"node {i}: {node.op} ({node.label})", f"inputs: {node.parents or 'none'}"]
    if data is not None:
        lines.append(f"value: {_summary(data)}")
    lines.append(f"grad : {_summary(grad) if grad is not None else 'None (backward not run yet)'}")
    return "<pre>" + html.escape("\n".join(lines)) + "</pre>"


def _summary(x) -> str:
    a = np.asarray(getattr(x, "get", lambda: x)())  # CuPy arrays come to the host first
    text = np.array2string(a.ravel()[:6], precision=4, separator=", ")
    return f"{text}{' ...' if a.size > 6 else ''}"


def graph_view(tensor, max_nodes: int = MAX_NODES):
    """Draw the graph that produced ``tensor`` (call it before ``backward()`` frees the graph)."""
    nodes, truncated = build(tensor, max_nodes)
    note = f" (first {max_nodes} nodes only)" if truncated else ""
    title = f"autograd graph: {len(nodes)} nodes{note}"
    if headless():
        text = "\n".join(f"{i}: {n.op} {n.label} <- {n.parents}" for i, n in enumerate(nodes))
        return StaticView(svg(nodes, 0) + details(nodes[0], 0), text, title)

    import ipywidgets as w

    choose = w.Dropdown(
        options=[(f"{i}: {n.op} {n.label}", i) for i, n in enumerate(nodes)],
        value=0,
        description="node",
    )
    picture = w.HTML(svg(nodes, 0))
    info = w.HTML(details(nodes[0], 0))

    def redraw(change):
        picture.value = svg(nodes, change.new)
        info.value = details(nodes[change.new], change.new)

    choose.observe(redraw, "value")
    return w.VBox([w.HTML(f"<b>{html.escape(title)}</b>"), choose, picture, info])
