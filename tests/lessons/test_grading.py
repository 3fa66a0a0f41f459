"""Autograding: solution full marks, untouched lesson 0, every wrong answer 0 (quick mode)."""

from __future__ import annotations

import nbformat
import pytest
from lessonkit import first_variants, lesson_params, tiny_course, wrong_answers

from autograder.grade.notebook import grade_notebook


def exercises(nb) -> list[str]:
    ids = [c.metadata.get("nbgrader", {}).get("grade_id", "") for c in nb.cells]
    return [i[3:] for i in ids if i.startswith("ex_")]


def released(builds, lesson_id: str):
    path = builds(lesson_id) / "lessons" / lesson_id / f"{lesson_id}.ipynb"
    return path, nbformat.read(path, as_version=4)


def with_wrong_answers(nb, wrong: dict[str, str]):
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id in wrong:
            cell.source = wrong[grade_id]
    return nb


@pytest.mark.parametrize("lesson_id", lesson_params())
def test_solution_scores_full_marks(lesson_id, builds):
    course_dir = builds(lesson_id) / "course"
    solution = course_dir / "source" / lesson_id / f"{lesson_id}.ipynb"
    result = grade_notebook(lesson_id, solution, course_dir=course_dir)
    assert result.completed, result.log
    assert not result.errors, f"the solution raised errors: {result.errors}"
    assert result.max_total > 0 and result.total == result.max_total, result.scores


@pytest.mark.parametrize("lesson_id", lesson_params())
def test_untouched_lesson_scores_zero(lesson_id, builds):
    path, nb = released(builds, lesson_id)
    result = grade_notebook(lesson_id, path, course_dir=builds(lesson_id) / "course")
    assert result.completed, result.log
    assert result.total == 0, result.scores
    assert set(result.scores) == {f"test_{name}" for name in exercises(nb)}


@pytest.mark.parametrize("lesson_id", lesson_params())
def test_wrong_answers_score_zero(lesson_id, builds, tmp_path):
    """The first wrong variant of every exercise, graded by the real pipeline (test_wrong_answers.py
    runs every variant)."""
    module = wrong_answers(lesson_id)
    path, nb = released(builds, lesson_id)
    names = exercises(nb)
    assert set(module.WRONG) == {f"ex_{n}" for n in names}, "WRONG needs one entry per exercise"
    submission = tmp_path / f"{lesson_id}.ipynb"
    nbformat.write(with_wrong_answers(nb, first_variants(module)), submission)
    result = grade_notebook(lesson_id, submission, course_dir=builds(lesson_id) / "course")
    assert result.completed, result.log
    scored = {
        name: result.scores[f"test_{name}"] for name in names if result.scores[f"test_{name}"]
    }
    assert not scored, f"wrong answers got points: {scored}"


TINY = """
```{code-cell} ipython3
:nbgrader: {"grade": false, "grade_id": "ex_double", "locked": false, "schema_version": 3, "solution": true}
def double(x):
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION
```

```{code-cell} ipython3
:nbgrader: {"grade": true, "grade_id": "test_double", "locked": true, "points": 2, "schema_version": 3, "solution": false}
assert double(2) == 4
### BEGIN HIDDEN TESTS
assert double(-1.5) == -3.0
### END HIDDEN TESTS
```
"""


def test_deleted_test_cell_is_restored_and_graded(tmp_path):
    """A learner who deletes a test cell is graded anyway (OverwriteCells.add_missing_cells)."""
    from autograder.build import build

    tiny_course(tmp_path, TINY)
    build(None, root=tmp_path)
    course_dir = tmp_path / "nbgrader-course"
    solution = nbformat.read(course_dir / "source" / "00_tiny" / "00_tiny.ipynb", as_version=4)
    solution.cells = [
        c for c in solution.cells if c.metadata["nbgrader"]["grade_id"] != "test_double"
    ]
    nbformat.write(solution, tmp_path / "submission.ipynb")
    result = grade_notebook("00_tiny", tmp_path / "submission.ipynb", root=tmp_path)
    assert result.completed, result.log
    assert result.scores == {"test_double": 2.0}, result.scores
