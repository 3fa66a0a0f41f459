"""Autograde one submitted notebook with nbgrader, in a throw-away course directory.

>>> result = grade_notebook("01_tensors", "lessons/01_tensors/01_tensors.ipynb")  # doctest: +SKIP
>>> result.total, result.max_total, result.completed  # doctest: +SKIP
(0.0, 12.0, True)

Each call copies the lesson's source and gradebook (built once per process from
``solutions/``) into a temporary folder, autogrades there and reads the scores back, so
nothing is left in the repository and calls do not see each other.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from autograder.config import api, environment, kernel_environment
from course.repo import repo_root

# Errors that mean the grader, not the learner's answer, failed on a cell.
GRADER_FAILURES = frozenset({"CellTimeoutError", "DeadKernelError"})
_templates: dict[tuple[str, str, str], Path] = {}


@dataclass
class GradeResult:
    """Points per graded cell (by grade_id), errors per cell, and whether grading completed."""

    lesson_id: str
    scores: dict[str, float] = field(default_factory=dict)
    max_scores: dict[str, float] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    completed: bool = False
    log: str = ""

    @property
    def total(self) -> float:
        return float(sum(self.scores.values()))

    @property
    def max_total(self) -> float:
        return float(sum(self.max_scores.values()))

    def __str__(self) -> str:
        state = "graded" if self.completed else "NOT GRADED"
        return f"{self.lesson_id}: {self.total:g}/{self.max_total:g} ({state})"


def prepare(lesson_id: str, root: str | os.PathLike | None = None) -> Path:
    """A course directory with the lesson's source and gradebook, built once per process."""
    from autograder.build import build
    from autograder.sources import source_path

    root = repo_root(root)
    digest = hashlib.sha1(source_path(lesson_id, root).read_bytes()).hexdigest()
    key = (str(root), lesson_id, digest)
    if key not in _templates or not _templates[key].is_dir():
        tmp = Path(tempfile.mkdtemp(prefix=f"course-grade-{lesson_id}-"))
        atexit.register(shutil.rmtree, tmp, True)
        build([lesson_id], root=root, course_dir=tmp / "course", lessons_dir=tmp / "lessons")
        _templates[key] = tmp / "course"
    return _templates[key]


def grade_notebook(
    lesson_id: str,
    notebook: str | os.PathLike,
    *,
    root: str | os.PathLike | None = None,
    course_dir: str | os.PathLike | None = None,
    quick: bool = True,
    timeout: int | None = None,
    student_id: str = "learner",
    workdir: str | os.PathLike | None = None,
    config: dict | None = None,
) -> GradeResult:
    """Autograde ``notebook`` as a submission to ``lesson_id`` and return its scores.

    ``course_dir`` is a built nbgrader course directory holding the lesson's source and a
    gradebook (default: one built from ``solutions/`` by `prepare`). ``quick`` runs the lesson
    with ``COURSE_QUICK=1``; ``timeout`` overrides the per-cell limit in seconds. With
    ``workdir`` the course directory is made there and kept (``workdir/course``); ``config``
    adds nbgrader settings (class name -> {trait: value}).
    """
    import nbformat

    root = repo_root(root)
    template = Path(course_dir) if course_dir else prepare(lesson_id, root)
    result = GradeResult(lesson_id)
    with contextlib.ExitStack() as stack:
        tmp = workdir or stack.enter_context(tempfile.TemporaryDirectory(prefix="course-grade-"))
        course = Path(tmp) / "course"
        shutil.copytree(template / "source" / lesson_id, course / "source" / lesson_id)
        shutil.copy2(template / "gradebook.db", course / "gradebook.db")
        submitted = course / "submitted" / student_id / lesson_id
        submitted.mkdir(parents=True)
        shutil.copy2(notebook, submitted / f"{lesson_id}.ipynb")

        overrides = {
            "CourseDirectory": {"root": str(course)},
            "Exchange": {"root": str(Path(tmp) / "exchange")},
        }
        if timeout is not None:
            overrides["Execute"] = {"timeout": timeout}
        for section, values in (config or {}).items():
            overrides.setdefault(section, {}).update(values)
        grader = api(**overrides)
        with environment(**kernel_environment(root, quick)):
            with warnings.catch_warnings():
                # nbgrader 0.9.6's gradebook code trips SQLAlchemy's autoflush warnings.
                warnings.simplefilter("ignore")
                outcome = grader.autograde(lesson_id, student_id, force=True, create=True)
        result.log = "\n".join(filter(None, [outcome.get("log"), outcome.get("error")]))

        graded = course / "autograded" / student_id / lesson_id / f"{lesson_id}.ipynb"
        if graded.is_file():
            nb = nbformat.read(graded, as_version=4)
            result.errors = _errors(nb)
        found = _read_grades(course / "gradebook.db", lesson_id, student_id, result)
        failed = any(GRADER_FAILURES & set(names) for names in result.errors.values())
        result.completed = bool(outcome["success"] and graded.is_file() and found and not failed)
    return result


def _errors(nb) -> dict[str, list[str]]:
    """Error names in each code cell's outputs, keyed by grade_id (else the cell id)."""
    errors: dict[str, list[str]] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        names = [o.get("ename", "") for o in cell.get("outputs", []) if o.output_type == "error"]
        if names:
            key = cell.metadata.get("nbgrader", {}).get("grade_id") or cell.get("id", "?")
            errors[key] = names
    return errors


def _read_grades(db: Path, lesson_id: str, student_id: str, result: GradeResult) -> bool:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{db}") as gradebook:
        try:
            nb = gradebook.find_submission_notebook(lesson_id, lesson_id, student_id)
        except MissingEntry:
            return False
        for grade in nb.grades:
            result.scores[grade.name] = float(grade.score or 0.0)
            result.max_scores[grade.name] = float(grade.max_score or 0.0)
    return True
