"""Visible tests are the learner's feedback: they must catch the mistakes learners make.

Every planted wrong answer in ``tests/lessons/wrong/`` runs in place of its solution, in one
kernel per lesson, the way a learner re-runs a cell and its test: the visible test (what
Validate runs on Binder) must fail on it, and so must the full test (visible + hidden, what the
grader runs). The few that only the hidden tests catch are listed in ``HIDDEN_ONLY`` with the
reason, and at most 10 % of all variants may be. The real grading pipeline is exercised on the
first variant of every exercise by test_grading.py.
"""

from __future__ import annotations

import nbformat
import pytest
from lessonkit import ROOT, hidden_only, lesson_params, variants, wrong_answers

from autograder import config, sources


def grade_ids(nb) -> dict[str, int]:
    return {
        c.metadata["nbgrader"]["grade_id"]: i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and "nbgrader" in c.metadata
    }


class Kernel:
    """One lesson kernel that runs cells (given as source) and says which raised what."""

    def __init__(self, client):
        self.client = client

    def run(self, source: str) -> list[str]:
        cell = nbformat.v4.new_code_cell(source)
        self.client.nb.cells.append(cell)
        self.client.execute_cell(cell, len(self.client.nb.cells) - 1)
        return [f"{o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"]


def run_variants(lesson_id: str, builds, tmp_path) -> dict[tuple[str, str], dict]:
    """Run the lesson's source notebook top to bottom; at each answer cell, first try every
    wrong variant (variant, the cells up to its test, the visible test, the full test), then
    run the solution and go on. Returns, per variant, the errors of each step."""
    from nbclient import NotebookClient

    module = wrong_answers(lesson_id)
    course_dir = builds(lesson_id) / "course"
    source = nbformat.read(course_dir / "source" / lesson_id / f"{lesson_id}.ipynb", 4)
    released = nbformat.read(builds(lesson_id) / "lessons" / lesson_id / f"{lesson_id}.ipynb", 4)
    visible = {gid: released.cells[i].source for gid, i in grade_ids(released).items()}
    cells = grade_ids(source)
    by_cell: dict[str, list[tuple[str, str]]] = {}
    for grade_id, name, text in variants(module):
        by_cell.setdefault(grade_id, []).append((name, text))

    results = {}
    client = NotebookClient(
        nbformat.v4.new_notebook(), timeout=120, kernel_name="python3", allow_errors=True,
        resources={"metadata": {"path": str(tmp_path)}},
    )  # fmt: skip
    with config.environment(**config.kernel_environment(ROOT, quick=True)):
        with client.setup_kernel():
            kernel = Kernel(client)
            for i, cell in enumerate(source.cells):
                if cell.cell_type != "code":
                    continue
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
                for name, text in by_cell.get(grade_id, []):
                    test = cells["test_" + grade_id.removeprefix("ex_")]
                    outcome = {"answer": kernel.run(text)}
                    for between in source.cells[i + 1 : test]:
                        if between.cell_type == "code":
                            kernel.run(between.source)
                    outcome["visible"] = kernel.run(
                        visible[source.cells[test].metadata["nbgrader"]["grade_id"]]
                    )
                    outcome["full"] = kernel.run(source.cells[test].source)
                    results[(grade_id, name)] = outcome
                errors = kernel.run(cell.source)
                assert not errors, f"{lesson_id}: cell {i} ({grade_id or 'no id'}) raised {errors}"
    return results


@pytest.mark.parametrize("lesson_id", lesson_params())
def test_visible_tests_catch_the_wrong_answers(lesson_id, builds, tmp_path):
    module = wrong_answers(lesson_id)
    results = run_variants(lesson_id, builds, tmp_path)
    assert set(results) == {(g, n) for g, n, _ in variants(module)}
    broken = {k: r["answer"] for k, r in results.items() if r["answer"]}
    assert not broken, f"wrong answers that do not even run (not plausible): {broken}"
    escaped = [k for k, r in results.items() if not r["full"]]
    assert not escaped, f"wrong answers the full tests (visible + hidden) pass: {escaped}"
    passes_visible = {k for k, r in results.items() if not r["visible"]}
    documented = set(hidden_only(module))
    assert passes_visible <= documented, (
        f"wrong answers the visible tests pass, not documented in HIDDEN_ONLY: "
        f"{sorted(passes_visible - documented)}"
    )
    assert documented <= passes_visible, (
        f"HIDDEN_ONLY lists answers the visible tests now catch: {sorted(documented - passes_visible)}"
    )


def test_at_most_a_tenth_of_the_wrong_answers_are_hidden_only():
    total, hidden = 0, {}
    for lesson_id in sources.lesson_ids(ROOT):
        module = wrong_answers(lesson_id)
        total += len(variants(module))
        hidden.update({(lesson_id, *k): why for k, why in hidden_only(module).items()})
    assert all(isinstance(why, str) and why for why in hidden.values()), "give each a reason"
    assert len(hidden) <= 0.1 * total, (
        f"{len(hidden)} of {total} wrong answers pass the visible tests (at most 10 %): "
        f"{sorted(hidden)}"
    )
