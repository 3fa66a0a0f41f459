"""graph_view: the autograd graph as SVG; static when headless, a node picker when live."""

import ipywidgets as w
import numpy as np
import pytest
from conftest import find

import course
from course.widgets import StaticView, graph_view
from course.widgets.graph import build


def mlp_output():
    X = course.tensor(np.ones((2, 3), dtype=np.float32))
    W = course.tensor(np.full((3, 4), 0.5, dtype=np.float32), requires_grad=True)
    b = course.tensor(np.zeros(4, dtype=np.float32), requires_grad=True)
    return ((X @ W + b).relu() * 2).sum(), W


def test_graph_has_every_op_with_inputs_left_of_outputs():
    loss, W = mlp_output()
    nodes, truncated = build(loss)
    assert not truncated
    assert [n.op for n in nodes][:1] == ["Sum"]
    ops = sorted(n.op for n in nodes)
    assert ops.count("leaf") == 2 and "MatMul" in "".join(ops) and "constant" in ops
    for node in nodes:
        for p in node.parents:
            assert nodes[p].depth > node.depth, "an input must sit left of what it feeds"
    assert any(n.obj is W for n in nodes)


def test_shared_input_appears_once():
    x = course.tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    y = (x * x + x).sum()
    nodes, _ = build(y)
    assert sum(n.obj is x for n in nodes) == 1


def test_static_view_renders_svg_without_comms(static):
    loss, _ = mlp_output()
    view = graph_view(loss)
    assert isinstance(view, StaticView)
    assert view._repr_html_().count('class="node"') == len(build(loss)[0])
    assert "<svg" in view._repr_html_() and "Sum" in repr(view)


def test_micrograd_style_values_are_drawn(static):
    class Value:
        def __init__(self, data, prev=(), op="", label=""):
            self.data, self.grad, self._prev, self._op, self.label = data, 0.0, prev, op, label

    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    c = Value(6.0, (a, b), "*")
    b.grad = -0.5
    html = graph_view(c)._repr_html_()
    assert "a = 2, grad 0" in html and "b = 3, grad -0.5" in html and "*" in html


def test_live_view_reacts_to_the_node_picker(live):
    loss, W = mlp_output()
    view = graph_view(loss)
    [picker] = find(view, w.Dropdown)
    picture, info = find(view, w.HTML)[1:]
    assert 'stroke="#f80"' in picture.value and "node 0" in info.value
    w_index = next(i for label, i in picker.options if "leaf (3, 4)" in label)
    picker.value = w_index
    assert f"node {w_index}: leaf ((3, 4) float32)" in info.value
    assert "0.5" in info.value


def test_gradient_shown_after_backward(live):
    x = course.tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    y = (x * 3).sum()
    view = graph_view(y)
    y.backward()
    [picker] = find(view, w.Dropdown)
    picker.value = next(i for label, i in picker.options if "leaf" in label)
    assert "[3., 3.]" in find(view, w.HTML)[-1].value


@pytest.mark.parametrize("n", [1, 200])
def test_long_chains_are_truncated_not_drawn_forever(static, n):
    x = course.tensor(np.ones(1, dtype=np.float32), requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0
    nodes, truncated = build(y, max_nodes=150)
    assert len(nodes) == min(n + 2, 150) and truncated == (n + 2 > 150)
    assert "<svg" in graph_view(y)._repr_html_()
