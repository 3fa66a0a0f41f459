"""Feedback HTML shows visible tests and results, and nothing of the hidden tests."""

from __future__ import annotations

import html
import re

import jupytext
import pytest

from autograder import sources

LESSON = "01_tensors"
BEGIN, END = "BEGIN HIDDEN" + " TESTS", "END HIDDEN" + " TESTS"


def hidden_lines(lesson_id: str) -> set[str]:
    """Lines of the source's hidden-test blocks that the open cells do not also show."""
    nb = jupytext.read(sources.source_path(lesson_id))
    hidden, public = set(), set()
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            text = line.strip()
            if BEGIN in text or END in text:
                inside = BEGIN in text
                continue
            (hidden if inside else public).add(text)
    # A hidden line that is part of an open line ("e for e in expressions") is no secret.
    return {h for h in hidden - public if len(h) >= 12 and not any(h in p for p in public)}


def page_text(path) -> str:
    text = re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8"))
    return html.unescape(text)


@pytest.fixture(scope="module")
def pages(graded_class):
    # A flagged student's feedback is held back in feedback_held/ until a person reviews it.
    found = sorted(
        path
        for folder in ("feedback", "feedback_held")
        for path in (graded_class.course / folder).glob(f"*/{LESSON}/{LESSON}.html")
    )
    assert len(found) >= 15, f"feedback missing: {found}"
    return {p.parts[-3]: page_text(p) for p in found}


def test_no_hidden_test_line_in_any_feedback(pages, graded_class):
    secret = hidden_lines(LESSON)
    assert len(secret) > 20
    autograded = graded_class.course / "autograded" / "wrong" / LESSON / f"{LESSON}.ipynb"
    raw = autograded.read_text()
    assert sum(line in raw for line in secret) > 10, "the check would not see a leak"
    for student, text in pages.items():
        leaked = sorted(line for line in secret if line in text)
        assert not leaked, f"{student}'s feedback shows hidden tests: {leaked[:3]}"
        assert "course-guard" not in text and "COURSE-GUARD" not in text, student


def test_feedback_shows_visible_tests_and_hidden_results(pages):
    wrong = pages["wrong"]
    # A visible test's message (lesson 01's checks all go through assert_close).
    assert "the last axis steps one item" in wrong and "expected 3 items, got 2" in wrong
    # numpy's reference now fails a visible check (window 0 must raise), shown as such; a
    # failure inside a hidden block shows only that a hidden test failed.
    assert "raise a ValueError (1 <= window <= n)" in pages["reference"]
    assert any("hidden tests show only pass or fail" in text for text in pages.values())
    assert "Score: 11.0 / 11.0" in pages["correct"] or "11.0 / 11.0" in pages["correct"]


def test_feedback_of_flagged_submission_shows_zero(pages):
    assert "0.0 / 11.0" in pages["allclose"]


def test_flagged_feedback_is_held_back(graded_class):
    course = graded_class.course
    for r in graded_class.results:
        released = (course / "feedback" / r["student"] / LESSON / f"{LESSON}.html").is_file()
        held = (course / "feedback_held" / r["student"] / LESSON / f"{LESSON}.html").is_file()
        if r["status"].startswith("flagged"):
            assert held and not released, r["student"]
        elif r["status"].startswith("graded"):
            assert released and not held, r["student"]
