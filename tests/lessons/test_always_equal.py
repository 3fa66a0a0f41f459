"""An answer that returns an object equal to everything scores nothing.

Each answer cell of the released lesson gets its stub back with the ``raise`` replaced by
``return Everything()``: an object that says yes to ``==``, to every NumPy ufunc and function,
and whose every attribute is such an object too. A test that compares values only gives it full
marks (the tiny lesson below); the lessons' tests check the type first
(``course.testing.assert_close``), so it scores 0.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from lessonkit import tiny_course

from autograder.grade.notebook import grade_notebook

EVERYTHING = '''
class Everything:
    """Equal to anything, a yes to every NumPy ufunc and function, any attribute."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __array_ufunc__(self, *args, **kwargs):
        return True

    def __array_function__(self, *args, **kwargs):
        return True

    def __bool__(self):
        return True

    def __getattr__(self, name):  # .shape, .dtype, .strides, .astype(...): all Everything
        if name.startswith("__"):
            raise AttributeError(name)
        return Everything()

    def __iter__(self):  # not endless: a loop over it must not hang the grader
        return iter(())

    def __call__(self, *args, **kwargs):
        return Everything()
'''

STUB = re.compile(r"raise NotImplementedError\([^)]*\)")


def everything_answers(nb) -> int:
    """Turn every answer cell's stub into ``return Everything()``; returns how many."""
    answers = [
        c for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("ex_")
    ]  # fmt: skip
    for i, cell in enumerate(answers):
        assert STUB.search(cell.source), f"no stub in {cell.metadata['nbgrader']['grade_id']}"
        cell.source = (EVERYTHING if i == 0 else "") + STUB.sub("return Everything()", cell.source)
    return len(answers)


@pytest.mark.parametrize("lesson_id", [pytest.param("01_tensors", marks=pytest.mark.lesson01)])
def test_an_object_equal_to_everything_scores_zero(lesson_id, builds, tmp_path):
    released = builds(lesson_id) / "lessons" / lesson_id / f"{lesson_id}.ipynb"
    nb = nbformat.read(released, as_version=4)
    assert everything_answers(nb) > 0
    submission = tmp_path / f"{lesson_id}.ipynb"
    nbformat.write(nb, submission)
    result = grade_notebook(lesson_id, submission, course_dir=builds(lesson_id) / "course")
    assert result.completed, result.log
    assert result.scores and not any(result.scores.values()), (
        f"an object equal to everything got points: {result.scores}"
    )


NAIVE = """
```{code-cell} ipython3
:nbgrader: {"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import numpy as np
```

```{code-cell} ipython3
:nbgrader: {"grade": false, "grade_id": "ex_double", "locked": false, "schema_version": 3, "solution": true}
def double(x):
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION
```

```{code-cell} ipython3
:nbgrader: {"grade": true, "grade_id": "test_double", "locked": true, "points": 2, "schema_version": 3, "solution": false}
y = double(np.arange(3.0))
assert y.shape == (3,) and np.allclose(y, [0.0, 2.0, 4.0])
### BEGIN HIDDEN TESTS
assert double(1.5) == 3.0
### END HIDDEN TESTS
```
"""


def test_the_object_beats_tests_that_compare_values_only(tmp_path):
    """The object above is strong enough: a test written with ==, .shape and np.allclose gives
    it full marks (so the lesson's 0 comes from its type checks)."""
    from autograder.build import build

    root = tiny_course(tmp_path, NAIVE)
    build(None, root=root)
    nb = nbformat.read(root / "lessons" / "00_tiny" / "00_tiny.ipynb", as_version=4)
    everything_answers(nb)
    nbformat.write(nb, tmp_path / "submission.ipynb")
    result = grade_notebook("00_tiny", tmp_path / "submission.ipynb", root=root)
    assert result.completed, result.log
    assert result.scores == {"test_double": 2.0}, result.scores
