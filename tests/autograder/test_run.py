"""`grade_class` on crafted submissions of lesson 01: every hardening case (one session run)."""

from __future__ import annotations

import csv

import nbformat
import pytest

FULL = 11.0


def result(graded_class, student: str) -> dict:
    return graded_class.by_student()[student]


def total(r: dict) -> float:
    return sum(r.get("scores", {}).values())


@pytest.mark.parametrize(
    ("student", "points"), [("correct", FULL), ("untouched", 0.0), ("wrong", 0.0)]
)
def test_plain_submissions_are_graded(graded_class, student, points):
    r = result(graded_class, student)
    assert r["status"] == "graded", r
    assert total(r) == points, r["scores"]


@pytest.mark.parametrize(
    ("student", "lost", "why"),
    [
        ("loop", "test_contiguous_strides", "timed out"),  # interrupted after the cell timeout
        ("stubborn", "test_view_or_copy", "kernel"),  # ignores the interrupt: cell skipped
        ("segfault", "test_broadcast_shape", "kernel"),  # kills the kernel: cell skipped
        ("memhog", "test_standardize", ""),  # MemoryError under RLIMIT_AS (or the timeout)
        ("reference", "test_sliding_windows", ""),  # calls numpy's reference: no points
    ],
)
def test_one_broken_exercise_costs_only_its_points(graded_class, student, lost, why):
    r = result(graded_class, student)
    assert r["status"] == "graded", r
    assert r["scores"][lost] == 0.0, r["scores"]
    assert total(r) == FULL - r["max_scores"][lost], r["scores"]
    assert why in "; ".join(r["notes"]), r["notes"]


def test_os_exit_in_a_free_cell_skips_that_cell(graded_class):
    r = result(graded_class, "exit")
    assert r["status"] == "graded" and total(r) == FULL, r
    assert any("skipped" in n for n in r["notes"]), r["notes"]


def test_50_mb_of_output_is_truncated(graded_class):
    r = result(graded_class, "output")
    assert r["status"] == "graded" and total(r) == FULL, r
    path = graded_class.course / "autograded" / "output" / "01_tensors" / "01_tensors.ipynb"
    assert path.stat().st_size < 2_000_000
    assert "truncated by the grader" in path.read_text()


@pytest.mark.parametrize(
    ("student", "what", "points"),
    [
        ("edited", "test_contiguous_strides: edited", FULL - 11.0),
        ("deleted", "test_broadcast_shape: deleted", 9.0),
        ("reordered", "cells reordered", FULL),
        ("markdown", "test_standardize: turned into markdown", 9.0),
        ("points", "test_matmul_broadcast: points edited", FULL),
    ],
)
def test_changed_test_cells_are_restored_and_flagged(graded_class, student, what, points):
    r = result(graded_class, student)
    assert r["status"].startswith("flagged: locked cells changed"), r["status"]
    assert what in r["status"], r["status"]
    if student != "edited":
        assert total(r) == points, r["scores"]
    else:
        assert r["scores"]["test_contiguous_strides"] == 0.0, "an edited test must not pass"
    assert r["max_total"] == FULL


@pytest.mark.parametrize(
    ("student", "what"),
    [
        ("allclose", "numpy.allclose replaced"),
        ("testing", "course.testing.assert_close replaced"),
        ("builtins", "builtins.abs replaced"),
        ("sysmodules", "sys.modules['numpy'] replaced"),
    ],
)
def test_tampering_is_flagged_with_zero_points(graded_class, student, what):
    r = result(graded_class, student)
    assert r["status"].startswith("flagged: tampering"), r["status"]
    assert what in r["status"], r["status"]
    assert total(r) == 0.0, r["scores"]


def test_hidden_tests_are_immune_to_a_patched_allclose(graded_class):
    """Plain nbgrader gave test_standardize full marks here; the restored np.allclose fails it."""
    r = result(graded_class, "allclose")
    assert r["auto_scores"]["test_standardize"] == 0.0, "the wrong answer passed a hidden test"
    assert r["auto_score"] == FULL - 2.0, "the other (correct) answers keep their test points"
    assert "static: ex_standardize" in r["status"], "the static scan should see the assignment"


def test_csv_has_a_row_and_a_reason_for_everyone(graded_class, crafted):
    with open(graded_class.csv, newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    assert set(rows) == set(crafted)
    for row in rows.values():
        assert row["status"].split(":")[0] in ("graded", "flagged", "failed"), row
        assert row["max_score"] == "11", row
        if row["status"].startswith("graded"):
            assert row["score"] != "", row
    assert rows["allclose"]["score"] == "0" and "tampering" in rows["allclose"]["status"]
    assert rows["correct"]["test_standardize"] == "2"


def test_summary_and_exit_code(graded_class):
    assert graded_class.exit_code == 1
    assert "flagged" in graded_class.summary.splitlines()[0]
    assert "allclose: flagged: tampering" in graded_class.summary


def test_gradebook_marks_flagged_for_review(graded_class):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded_class.course / 'gradebook.db'}") as gb:
        flagged = gb.find_submission_notebook("01_tensors", "01_tensors", "allclose")
        assert flagged.needs_manual_grade and flagged.score == 0.0
        good = gb.find_submission_notebook("01_tensors", "01_tensors", "correct")
        assert not good.needs_manual_grade and good.score == FULL


def test_submissions_are_not_modified(crafted, built):
    from crafted import craft

    for student, path in crafted.items():
        nb = nbformat.read(path, as_version=4)
        assert "course-guard" not in str(nb), f"{student} was modified"
    assert built.is_dir()
    assert craft  # the originals are what craft wrote; grading wrote only to its out folder
