"""lessons/ is what `autograder build` builds from solutions/, reproducibly, and leaks nothing."""

from __future__ import annotations

import re

import jupytext
import nbformat
import pytest
from lessonkit import MYST_HEADER, ROOT, lesson_params, tiny_course

from autograder import sources
from autograder.build import StaleLessonsError, build_lessons

REGIONS = {
    "solution": ("BEGIN SOLUTION", "END SOLUTION"),
    "hidden test": ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"),
}
# Lines this short or this generic may rightly appear in a stub or a visible test too.
TRIVIAL = re.compile(r"^(return\b.{0,12}|pass|else:|try:|[\]\)\}]+,?(\s*#.*)?|\"\"\".*|#.*)$")


def secret_lines(lesson_id: str) -> dict[str, set[str]]:
    """Non-trivial lines inside the solution regions and hidden-test blocks of the source
    (minus lines the source also shows in the open, such as a given method's `def _backward():`)."""
    nb = jupytext.read(sources.source_path(lesson_id, ROOT))
    found: dict[str, set[str]] = {kind: set() for kind in REGIONS}
    public: set[str] = set()
    for cell in nb.cells:
        inside = None
        for line in cell.source.splitlines():
            text = line.strip()
            for kind, (begin, end) in REGIONS.items():
                if begin in text:
                    inside = kind
                    break
                if end in text:
                    inside = None
                    break
            else:
                if not inside:
                    public.add(text)
                elif len(text) >= 12 and not TRIVIAL.match(text):
                    found[inside].add(text)
    return {kind: lines - public for kind, lines in found.items()}


@pytest.mark.parametrize("lesson_id", lesson_params())
def test_lessons_match_solutions(lesson_id, builds):
    committed = ROOT / "lessons" / lesson_id / f"{lesson_id}.ipynb"
    fresh = builds(lesson_id) / "lessons" / lesson_id / f"{lesson_id}.ipynb"
    assert committed.is_file(), f"{committed} is missing: run `autograder build {lesson_id}`"
    assert committed.read_bytes() == fresh.read_bytes(), (
        f"lessons/{lesson_id} is stale: run `autograder build {lesson_id}` and commit lessons/"
    )


@pytest.mark.parametrize("lesson_id", lesson_params())
def test_two_builds_are_byte_identical(lesson_id, builds):
    a = builds(lesson_id, 0) / "lessons" / lesson_id / f"{lesson_id}.ipynb"
    b = builds(lesson_id, 1) / "lessons" / lesson_id / f"{lesson_id}.ipynb"
    assert a.read_bytes() == b.read_bytes()
    nb = nbformat.reads(a.read_text(), as_version=4)
    assert (nb.nbformat, nb.nbformat_minor) == (4, 5)
    assert a.read_text().endswith("}\n")
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.id


@pytest.mark.parametrize("lesson_id", lesson_params())
def test_release_leaks_no_solution_or_hidden_test(lesson_id):
    released = nbformat.read(ROOT / "lessons" / lesson_id / f"{lesson_id}.ipynb", as_version=4)
    lines = {line.strip() for cell in released.cells for line in cell.source.splitlines()}
    secrets = secret_lines(lesson_id)
    assert secrets["solution"], f"{lesson_id}: no solution region found in the source"
    assert secrets["hidden test"], f"{lesson_id}: no hidden tests found in the source"
    for kind, secret in secrets.items():
        leaked = sorted(secret & lines)
        assert not leaked, f"{lesson_id}: {kind} lines appear in lessons/: {leaked[:5]}"


@pytest.mark.parametrize("lesson_id", lesson_params())
def test_lesson_structure(lesson_id):
    """A setup cell first, >= 5 exercises, each answer cell followed by its test cell."""
    nb = jupytext.read(sources.source_path(lesson_id, ROOT))
    ids = [
        c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells if c.cell_type == "code"
    ]
    assert ids[0] == "setup", f"{lesson_id}: the first code cell must be the setup cell"
    exercises = [i[3:] for i in ids if i and i.startswith("ex_")]
    assert len(exercises) >= 5, f"{lesson_id}: {len(exercises)} exercises, need >= 5"
    graded = [i for i in ids if i]
    for name in exercises:
        position = graded.index(f"ex_{name}")
        assert graded[position + 1] == f"test_{name}", f"{lesson_id}: ex_{name} needs test_{name}"


TINY = """
Double a number.

```{code-cell} ipython3
:nbgrader: {"grade": false, "grade_id": "ex_double", "locked": false, "schema_version": 3, "solution": true}
def double(x):
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION
```
"""


def test_check_names_the_stale_lesson(tmp_path):
    """`build_lessons(check=True)` passes on a fresh build, then fails naming the edited lesson."""
    tiny_course(tmp_path, TINY)
    source = tmp_path / "solutions" / "00_tiny" / "00_tiny.md"
    [written] = build_lessons(root=tmp_path)
    assert 'raise NotImplementedError(\\"Exercise 1: double\\")' in written.read_text()
    assert "2 * x" not in written.read_text()
    assert build_lessons(check=True, root=tmp_path) == [written]
    source.write_text(
        MYST_HEADER + TINY.replace("Double a number.", "Double a number, twice as fast.")
    )
    with pytest.raises(StaleLessonsError, match="00_tiny.*autograder build 00_tiny"):
        build_lessons(check=True, root=tmp_path)
