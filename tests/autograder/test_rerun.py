"""A zip in nbgrader's layout, graded twice: same CSV, same gradebook, zip untouched."""

from __future__ import annotations

import hashlib
import zipfile

import nbformat
from crafted import LESSON, Crafter

from autograder.grade import grade_class


def test_zip_layout_rerun_is_idempotent(built, tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        correct = nbformat.writes(Crafter(built).correct())
        zf.writestr(f"submitted/amy/{LESSON}/{LESSON} (1).ipynb", correct)  # renamed by a browser
        zf.writestr(f"submitted/amy/{LESSON}/timestamp.txt", "2024-05-01 10:00:00.000000 UTC")
        zf.writestr(f"submitted/bob/{LESSON}/{LESSON}.ipynb", '{"cells": [')
        zf.writestr(f"submitted/cat/{LESSON}/{LESSON}.ipynb", "")
        zf.writestr(f"submitted/dan/{LESSON}/notes.txt", "forgot the notebook")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    out = tmp_path / "grades"
    first = grade_class(LESSON, archive, out, course_dir=built, progress=False, workers=1)
    csv_first = first.csv.read_text()
    second = grade_class(LESSON, archive, out, course_dir=built, progress=False, workers=1)
    assert second.csv.read_text() == csv_first
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == digest
    status = {r["student"]: r["status"] for r in second.results}
    assert status["amy"] == "graded"
    assert status["bob"].startswith("failed: corrupt notebook JSON")
    assert status["cat"] == "failed: empty file"
    assert status["dan"].startswith("failed: missing notebook")
    assert second.exit_code == 1
    amy = second.by_student()["amy"]
    assert sum(amy["scores"].values()) == 11.0
    assert "submitted as" in amy["notes"][0]
    assert "bob: failed: corrupt notebook JSON" in second.summary

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{second.course / 'gradebook.db'}") as gb:
        students = sorted(s.id for s in gb.students)
        assert students == ["amy", "bob", "cat", "dan"]
        bob = gb.find_submission_notebook(LESSON, LESSON, "bob")
        assert bob.needs_manual_grade, "a failed submission must not look like a plain 0"
