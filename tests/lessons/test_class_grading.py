"""Lesson 06's CUDA kernels through the class grader itself (`autograder grade`, with its limits).

Under the grader's address-space cap every simulated GPU thread needs a small stack, or a block
fails with "can't start new thread" (see course/cudasim.py). Grading a class of lesson-06
submissions, in parallel workers, with the default memory limit, proves the limits and the
simulator get along: the solution gets full marks, the untouched lesson and the wrong answers
nothing, and no student's log mentions a thread error.
"""

from __future__ import annotations

import nbformat
import pytest
from lessonkit import first_variants, wrong_answers
from test_grading import exercises, with_wrong_answers

from autograder.grade import grade_class

LESSON = "06_gpu"


@pytest.mark.lesson06
def test_a_class_of_lesson_06_grades_through_the_class_grader(builds, tmp_path):
    built = builds(LESSON)
    course_dir = built / "course"
    released = built / "lessons" / LESSON / f"{LESSON}.ipynb"
    solution = course_dir / "source" / LESSON / f"{LESSON}.ipynb"
    submitted = tmp_path / "submitted"
    answers = {  # the solution's answer cells, pasted into the released notebook as a student would
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in nbformat.read(solution, as_version=4).cells
        if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("ex_")
    }
    notebooks = {
        "ada": with_wrong_answers(nbformat.read(released, as_version=4), answers),
        "bo": with_wrong_answers(
            nbformat.read(released, as_version=4), first_variants(wrong_answers(LESSON))
        ),
        "cy": nbformat.read(released, as_version=4),
    }
    for student, nb in notebooks.items():
        folder = submitted / student / LESSON
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{LESSON}.ipynb")

    outcome = grade_class(
        LESSON, submitted, tmp_path / "grades", course_dir=course_dir, progress=False, workers=2
    )
    results = outcome.by_student()
    names = exercises(nbformat.read(released, as_version=4))
    full = results["ada"]
    assert full["status"].startswith("graded"), outcome.summary
    assert set(full["scores"]) == {f"test_{n}" for n in names}, full["scores"]
    assert all(v > 0 for v in full["scores"].values()), full["scores"]
    assert sum(results["bo"]["scores"].values()) == 0, results["bo"]["scores"]
    assert sum(results["cy"]["scores"].values()) == 0, results["cy"]["scores"]
    assert outcome.exit_code == 0, outcome.summary
    logs = "\n".join(p.read_text(errors="replace") for p in outcome.course.rglob("*.log"))
    html = "\n".join(p.read_text(errors="replace") for p in outcome.course.rglob("*.html"))
    for text in (logs, html, outcome.summary):
        assert "can't start new thread" not in text
