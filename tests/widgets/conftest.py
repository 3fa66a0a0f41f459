"""Fixtures for the widget tests: a headless session (no comms allowed) and a live one."""

import comm
import pytest


@pytest.fixture
def static(monkeypatch):
    """Headless: any widget comm opened is recorded, and the test fails if one was."""
    opened = []
    original = comm.create_comm
    monkeypatch.setattr(comm, "create_comm", lambda *a, **k: opened.append(k) or original(*a, **k))
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    yield
    assert not opened, f"headless output opened {len(opened)} widget comm(s)"


@pytest.fixture
def live(monkeypatch):
    """A frontend is assumed (widgets are built; without a kernel their comms go nowhere)."""
    monkeypatch.setenv("COURSE_HEADLESS", "0")


def find(widget, kind):
    """Every descendant of ``widget`` (itself included) that is an instance of ``kind``."""
    found = [widget] if isinstance(widget, kind) else []
    for child in getattr(widget, "children", ()):
        found += find(child, kind)
    return found
