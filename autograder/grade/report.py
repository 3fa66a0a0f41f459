"""The class's record: one nbgrader gradebook, the CSV, and the summary.

Workers grade in their own course directories; `merge` then copies each student's files
into the class's course directory and writes their grades into its gradebook, one student
at a time (SQLite has one writer), so the gradebook is the same whatever the number of
workers and however often the run is repeated.
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path


def merge(course: Path, lesson: str, results: list[dict], submissions: dict) -> None:
    """Write every result into ``course`` (nbgrader layout and gradebook)."""
    import warnings

    from nbgrader.api import Gradebook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
            for result in results:
                student = result["student"]
                gb.update_or_create_student(student)
                gb.update_or_create_submission(lesson, student)
                nb = gb.find_submission_notebook(lesson, lesson, student)
                review = not result["status"].startswith("graded")
                for grade in nb.grades:
                    grade.auto_score = float(result.get("scores", {}).get(grade.name, 0.0))
                    grade.manual_score = None
                    grade.needs_manual_grade = review
                gb.db.commit()
                _copy_files(course, lesson, result, submissions.get(student))


HELD = "feedback_held"  # feedback of flagged students: a person reviews it before release


def held(result: dict) -> bool:
    """A flagged submission's feedback waits in `HELD` until a person has reviewed it."""
    return result["status"].startswith("flagged")


def _copy_files(course: Path, lesson: str, result: dict, submission) -> None:
    student = result["student"]
    for kind in ("submitted", "autograded", "feedback", HELD):
        if (course / kind / student / lesson).exists():
            shutil.rmtree(course / kind / student / lesson)
    dest = {kind: course / kind / student / lesson for kind in ("submitted", "autograded")}
    dest["feedback"] = course / (HELD if held(result) else "feedback") / student / lesson
    if submission is not None and submission.notebook is not None:
        dest["submitted"].mkdir(parents=True)
        shutil.copyfile(submission.notebook, dest["submitted"] / f"{lesson}.ipynb")
    for kind, suffix in (("autograded", ".ipynb"), ("feedback", ".html")):
        path = result.get(kind)
        if path and Path(path).is_file():
            dest[kind].mkdir(parents=True)
            shutil.copyfile(path, dest[kind] / f"{lesson}{suffix}")
    # nbgrader's exchange matches returned feedback to the hand-in by these two files.
    for name in ("timestamp.txt", "submission_secret.txt"):
        found = submission.folder / name if submission and submission.folder else None
        if found and found.is_file():
            for kind in ("submitted", "autograded", "feedback"):
                if dest[kind].is_dir():
                    shutil.copyfile(found, dest[kind] / name)


def status_kind(status: str) -> str:
    return status.split(":", 1)[0]


END = ("feedback", "notes")  # the CSV's last columns, after the points per test cell


def write_csv(path: Path, results: list[dict], grade_ids: list[str]) -> None:
    """One row per student: score, max score, points per test cell, status, whether the
    feedback is ready or held for review, notes."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "status", "score", "max_score", "auto_score", *grade_ids, *END])
        for r in sorted(results, key=lambda r: r["student"]):
            scores = r.get("scores", {})
            graded = bool(scores)
            writer.writerow(
                [
                    r["student"],
                    r["status"],
                    f"{sum(scores.values()):g}" if graded else "",
                    f"{r.get('max_total', 0):g}",
                    f"{r['auto_score']:g}" if "auto_score" in r else "",
                    *[f"{scores[g]:g}" if g in scores else "" for g in grade_ids],
                    _feedback_state(r),
                    "; ".join(r.get("notes", [])),
                ]
            )


def _feedback_state(result: dict) -> str:
    if not result.get("feedback"):
        return "none"
    return f"held for review in {HELD}/" if held(result) else "ready"


def summary(results: list[dict], seconds: float) -> str:
    """Counts per status, then every student who was not simply graded, with the reason."""
    counts = Counter(status_kind(r["status"]) for r in results)
    rate = len(results) / seconds * 60 if seconds else 0.0
    lines = [
        f"{len(results)} submissions in {seconds:.0f} s ({rate:.1f} per minute): "
        + ", ".join(f"{counts[k]} {k}" for k in ("graded", "failed", "flagged") if counts[k])
    ]
    for r in sorted(results, key=lambda r: r["student"]):
        if not r["status"].startswith("graded"):
            lines.append(f"  {r['student']}: {r['status']}")
    return "\n".join(lines)
