"""How long a lesson takes a learner, estimated from its source by one stated rule.

The rule (``lessons/README.md`` states it too):

- reading: the prose at 100 words a minute, and the given code at 30 lines a minute;
- each exercise by the size of its solution: up to 4 lines (a formula, one NumPy expression)
  5-10 minutes, up to 12 lines 10-20 minutes, longer ones (a backward pass, a kernel, an
  open exercise) 20-30 minutes, each including runs of its tests.

A lesson may end with optional reading under a ``## Going further`` heading (a line of its
own, anywhere in a markdown cell): it holds no graded exercise and is counted apart, so the
lesson's time is the path a learner must take.

The rule was checked against the one learner who timed the whole course: 16-22 h for the
version of 2026-11-26, for which the rule gives 13.4-21.5 h (middle 17.5 h), so the middle
of a range is, if anything, optimistic. A lesson fits its 120 minutes when its middle does.

>>> estimate("03_nn").middle <= 120  # doctest: +SKIP
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from autograder import sources

WORDS_PER_MINUTE = 100
CODE_LINES_PER_MINUTE = 30
TIERS = ((4, 5, 10, "short"), (12, 10, 20, "medium"), (None, 20, 30, "long"))
OPTIONAL_HEADING = "## Going further"
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


@dataclass
class Exercise:
    grade_id: str
    lines: int

    @property
    def tier(self) -> tuple[int, int, str]:
        for most, low, high, name in TIERS:
            if most is None or self.lines <= most:
                return low, high, name
        raise AssertionError("unreachable: the last tier has no bound")


@dataclass
class Estimate:
    lesson_id: str
    words: int = 0
    code_lines: int = 0
    exercises: list[Exercise] = field(default_factory=list)
    optional_words: int = 0
    optional_code_lines: int = 0

    @property
    def reading(self) -> float:
        return self.words / WORDS_PER_MINUTE + self.code_lines / CODE_LINES_PER_MINUTE

    @property
    def optional(self) -> int:
        """Minutes of the optional reading after ``## Going further``."""
        return round(
            self.optional_words / WORDS_PER_MINUTE
            + self.optional_code_lines / CODE_LINES_PER_MINUTE
        )

    @property
    def low(self) -> int:
        return round(self.reading + sum(e.tier[0] for e in self.exercises))

    @property
    def high(self) -> int:
        return round(self.reading + sum(e.tier[1] for e in self.exercises))

    @property
    def middle(self) -> int:
        return round((self.low + self.high) / 2)

    def summary(self) -> str:
        tiers = [e.tier[2] for e in self.exercises]
        counts = ", ".join(f"{tiers.count(t)} {t}" for t in ("short", "medium", "long"))
        text = (
            f"{self.lesson_id}: {self.low}-{self.high} min (reading {self.reading:.0f}: "
            f"{self.words} words, {self.code_lines} lines of given code; "
            f"{len(self.exercises)} exercises: {counts})"
        )
        if self.optional_words or self.optional_code_lines:
            text += f"; optional reading {self.optional} min"
        return text


def _code_lines(source: str) -> int:
    return sum(1 for line in source.splitlines() if line.strip())


def _solution_lines(source: str) -> int:
    return sum(
        1
        for block in SOLUTION.findall(source)
        for line in block.splitlines()
        if line.strip() and not line.strip().startswith("#")
    )


def estimate(lesson_id: str, root=None) -> Estimate:
    """The estimate for one lesson; raises if a graded exercise sits in its optional part."""
    nb = sources.source_notebook(lesson_id, root)
    result = Estimate(lesson_id)
    by_id: dict[str, Exercise] = {}
    optional = False
    for cell in nb.cells:
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "markdown":
            core, heading, rest = cell.source.partition(f"\n{OPTIONAL_HEADING}")
            if cell.source.startswith(OPTIONAL_HEADING):
                core, heading, rest = "", OPTIONAL_HEADING, cell.source
            if optional:
                result.optional_words += len(cell.source.split())
            else:
                result.words += len(core.split())
                result.optional_words += len(rest.split())
            optional = optional or bool(heading)
        elif nbgrader.get("solution") or SOLUTION.search(cell.source):
            if optional:
                raise ValueError(
                    f"{lesson_id}: exercise cell {nbgrader.get('grade_id')!r} is under "
                    f"{OPTIONAL_HEADING!r}; optional reading holds no exercise"
                )
            grade_id = nbgrader.get("grade_id") or f"cell{len(by_id)}"
            exercise = by_id.setdefault(grade_id, Exercise(grade_id, 0))
            exercise.lines += _solution_lines(cell.source)
        elif not nbgrader.get("grade"):
            if optional:
                result.optional_code_lines += _code_lines(cell.source)
            else:
                result.code_lines += _code_lines(cell.source)
    result.exercises = list(by_id.values())
    return result


def main(lesson_ids: list[str], root=None) -> int:
    total_low = total_high = 0
    for lesson_id in lesson_ids or sources.lesson_ids(root):
        found = estimate(lesson_id, root)
        total_low, total_high = total_low + found.low, total_high + found.high
        print(found.summary())
    print(f"all: {total_low / 60:.1f}-{total_high / 60:.1f} h")
    return 0
