"""Learner time: the estimator's rule, and lessons/README.md states what it gives."""

import re

import pytest
from lessonkit import MYST_HEADER, ROOT

from autograder import estimate, sources


def exercise(grade_id: str, lines: int) -> str:
    body = "\n".join(f"    x{i} = {i}" for i in range(lines))
    meta = (
        f'{{"grade": false, "grade_id": "{grade_id}", "locked": false, '
        f'"schema_version": 3, "solution": true}}'
    )
    return (
        f"```{{code-cell}} ipython3\n:nbgrader: {meta}\ndef f():\n"
        f"    ### BEGIN SOLUTION\n    # a comment is not a line of work\n{body}\n"
        f"    ### END SOLUTION\n```\n"
    )


def write_lesson(tmp_path, text: str) -> str:
    lesson = tmp_path / "solutions" / "99_toy"
    lesson.mkdir(parents=True)
    (lesson / "99_toy.md").write_text(MYST_HEADER + text)
    return "99_toy"


def test_rule_counts_prose_code_and_exercise_tiers(tmp_path):
    prose = " ".join(["word"] * 1000)
    given = "```{code-cell} ipython3\n" + "\n".join(f"y{i} = {i}" for i in range(60)) + "\n```\n"
    text = f"# Toy\n\n{prose}\n\n{given}\n" + "".join(
        exercise(name, n) for name, n in (("ex_a", 4), ("ex_b", 5), ("ex_c", 12), ("ex_d", 13))
    )
    found = estimate.estimate(write_lesson(tmp_path, text), tmp_path)
    assert [(e.grade_id, e.lines, e.tier[2]) for e in found.exercises] == [
        ("ex_a", 4, "short"),
        ("ex_b", 5, "medium"),
        ("ex_c", 12, "medium"),
        ("ex_d", 13, "long"),
    ]
    reading = 1002 / 100 + 60 / 30  # "# Toy" is two words
    assert found.low == round(reading + 5 + 10 + 10 + 20)
    assert found.high == round(reading + 10 + 20 + 20 + 30)
    assert found.middle == round((found.low + found.high) / 2)


def test_going_further_is_counted_apart_and_holds_no_exercise(tmp_path):
    core = "# Toy\n\n" + " ".join(["word"] * 500) + "\n\n" + exercise("ex_a", 2)
    extra = "\n## Going further (optional)\n\n" + " ".join(["more"] * 3000) + "\n"
    found = estimate.estimate(write_lesson(tmp_path / "ok", core + extra), tmp_path / "ok")
    assert found.optional == 30
    assert found.high == round(502 / 100 + 10)
    text = core + extra + exercise("ex_late", 2)
    with pytest.raises(ValueError, match="ex_late.*Going further"):
        estimate.estimate(write_lesson(tmp_path / "bad", text), tmp_path / "bad")


def test_index_states_the_estimated_times():
    """Each lesson's row says the rule's range, the total is the rule's total, and every lesson
    fits 120 minutes (the middle of its range)."""
    index = (ROOT / "lessons" / "README.md").read_text()
    total_low = total_high = 0
    middles = {}
    for lesson_id in sources.lesson_ids(ROOT):
        found = estimate.estimate(lesson_id, ROOT)
        middles[lesson_id] = found.middle
        total_low, total_high = total_low + found.low, total_high + found.high
        row = next(line for line in index.splitlines() if f"]({lesson_id}/" in line)
        assert f"| {found.low}-{found.high} min |" in row, (
            f"lessons/README.md: {lesson_id} takes {found.low}-{found.high} min by "
            f"`autograder estimate`; its row says otherwise: {row}"
        )
    hours = f"{total_low / 60:.1f}-{total_high / 60:.1f} hours"
    over = {k: v for k, v in middles.items() if v > 120}
    assert not over, f"lessons over 120 minutes (the middle of their range): {over}; move material"
    assert hours in index, f"lessons/README.md must state the course's total, {hours}"
    assert re.search(r"autograder estimate", index), "the index must name how times are estimated"
