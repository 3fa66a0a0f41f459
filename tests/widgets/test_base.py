"""Headless detection: the environment variable wins, then a live frontend is required."""

import sys
import types

import pytest

from course.widgets import base


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("0", False), ("yes", True)])
def test_env_variable_decides(monkeypatch, value, expected):
    monkeypatch.setenv("COURSE_HEADLESS", value)
    assert base.headless() is expected


def fake_kernel_shell(monkeypatch):
    shell = types.SimpleNamespace(kernel=object())
    monkeypatch.setattr(base, "_shell", lambda: shell)


def test_plain_python_is_headless(monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    monkeypatch.setattr(base, "_shell", lambda: None)
    assert base.headless()


def test_kernel_without_frontend_is_headless(monkeypatch):
    """nbclient, nbconvert and nbgrader start kernels without JPY_SESSION_NAME."""
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    for name in base._FRONTEND_MARKERS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    fake_kernel_shell(monkeypatch)
    assert base.headless()


def test_kernel_started_by_a_jupyter_server_is_live(monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    monkeypatch.setenv("JPY_SESSION_NAME", "lessons/00_speed/00_speed.ipynb")
    fake_kernel_shell(monkeypatch)
    assert not base.headless()


def test_grid_html_highlights_the_given_cells():
    html = base.grid_html([[1, 2], [3, 4]], {(1, 0)})
    cells = html.split("<td")[1:]
    assert len(cells) == 4
    assert "background" in cells[2] and not any("background" in c for c in cells[:2] + cells[3:])


def test_static_view_has_html_and_text():
    view = base.StaticView("<b>x</b>", "x as text", "title")
    assert "<b>x</b>" in view._repr_html_() and "title" in view._repr_html_()
    assert repr(view) == "title\nx as text"
