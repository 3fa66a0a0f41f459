"""`grade_class`: collect, grade in parallel, merge, export (the engine of ``autograder grade``)."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.grade import collect, pool, report
from course.repo import repo_root


@dataclass
class ClassResult:
    """Every student's result, where the files went, and the exit code for the shell."""

    results: list[dict] = field(default_factory=list)
    course: Path | None = None
    csv: Path | None = None
    summary: str = ""
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return int(any(not r["status"].startswith("graded") for r in self.results))

    def by_student(self) -> dict[str, dict]:
        return {r["student"]: r for r in self.results}


def grade_class(
    lesson_id: str,
    submissions: str | os.PathLike,
    out: str | os.PathLike,
    *,
    workers: int | None = None,
    cell_timeout: int = 60,
    time_limit: float = 300.0,
    memory_mb: int = 3072,
    root: str | os.PathLike | None = None,
    course_dir: str | os.PathLike | None = None,
    progress: bool = True,
) -> ClassResult:
    """Grade every submission of ``lesson_id`` in ``submissions`` into ``out``.

    ``out/course`` is an nbgrader course directory (submitted, autograded, feedback,
    gradebook.db) that nbgrader's formgrader and exchange can use; ``out/grades.csv`` has one
    row per student; ``out/summary.txt`` the counts and every student not simply graded.
    ``workers`` defaults to the number of cores; ``cell_timeout`` bounds one cell,
    ``time_limit`` one student (the worker is killed), ``memory_mb`` a kernel's address space.
    """
    from autograder.grade.notebook import prepare
    from autograder.grade.sandbox import describe

    started = time.perf_counter()
    sandbox, complete = describe()
    if progress or not complete:
        print(sandbox, file=sys.stderr)
    root = repo_root(root)
    template = Path(course_dir) if course_dir else prepare(lesson_id, root)
    out = Path(out).resolve()
    course = out / "course"
    _init_course(course, template, lesson_id)
    grade_ids, max_scores = _grade_cells(template, lesson_id)
    max_total = sum(max_scores.values())

    with tempfile.TemporaryDirectory(prefix="course-class-") as tmp:
        tmp = Path(tmp)
        found = collect.collect(submissions, lesson_id, workdir=tmp)
        by_student = {s.student: s for s in found}
        results, tasks = [], []
        for s in found:
            if s.problem or s.notebook is None:
                results.append(_failed(s.student, s.problem or "missing notebook"))
                continue
            tasks.append(
                {
                    "student": s.student,
                    "notebook": str(s.notebook),
                    "lesson": lesson_id,
                    "template": str(template),
                    "workdir": str(tmp / "work" / s.student),
                    "cell_timeout": cell_timeout,
                    "root": str(root),
                }
            )
        bar = _progress(len(found), progress)
        bar.update(len(results))
        graded = pool.run_tasks(
            tasks,
            workers or os.cpu_count() or 1,
            time_limit,
            memory_mb,
            root,
            out / "grading.log",
            on_done=lambda r: bar.update(1),
        )
        bar.close()
        for result, task in zip(graded, tasks):
            note = by_student[task["student"]].note
            if note:
                result.setdefault("notes", []).insert(0, note)
        results += graded
        for r in results:
            r["max_total"] = max_total
            r.setdefault("notes", [])
        report.merge(course, lesson_id, results, by_student)
    seconds = time.perf_counter() - started
    csv_path = out / "grades.csv"
    report.write_csv(csv_path, results, grade_ids)
    text = report.summary(results, seconds) + "\n" + sandbox
    (out / "summary.txt").write_text(text + "\n", encoding="utf-8")
    results.sort(key=lambda r: r["student"])
    return ClassResult(results, course, csv_path, text, seconds)


def _failed(student: str, reason: str) -> dict:
    return {"student": student, "status": f"failed: {reason}", "scores": {}, "notes": []}


def _init_course(course: Path, template: Path, lesson_id: str) -> None:
    """The class's course directory: the lesson's source and gradebook, made once."""
    src = course / "source" / lesson_id
    if not src.is_dir():
        shutil.copytree(template / "source" / lesson_id, src)
    release = course / "release" / lesson_id
    if not release.is_dir() and (template / "release" / lesson_id).is_dir():
        shutil.copytree(template / "release" / lesson_id, release)
    if not (course / "gradebook.db").is_file():
        shutil.copy2(template / "gradebook.db", course / "gradebook.db")


def _grade_cells(template: Path, lesson_id: str) -> tuple[list[str], dict[str, float]]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{template / 'gradebook.db'}") as gb:
        nb = gb.find_notebook(lesson_id, lesson_id)
        cells = {c.name: float(c.max_score) for c in nb.grade_cells}
    order = _source_order(template, lesson_id)
    ids = sorted(cells, key=lambda g: order.get(g, len(order)))
    return ids, cells


def _source_order(template: Path, lesson_id: str) -> dict[str, int]:
    import nbformat

    from autograder.grade.integrity import grade_id

    nb = nbformat.read(template / "source" / lesson_id / f"{lesson_id}.ipynb", as_version=4)
    return {grade_id(c): i for i, c in enumerate(nb.cells) if grade_id(c)}


def _progress(total: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="grading", unit="student", disable=not enabled)
