"""Feedback a learner may see: visible tests and their results, hidden tests as pass/fail only.

nbgrader's feedback shows each test cell as it ran, hidden block and tracebacks included.
`public_notebook` rewrites an autograded notebook before nbgrader renders it: grader cells
go, each test cell shows the release's (visible) source, a failure on a visible line keeps
its message and the learner's own frames, a failure in the hidden block becomes one line
("hidden tests failed"), and no output of a cell with hidden tests is shown (the learner's
code could print the hidden inputs). Any traceback frame that points into a test cell is
cut from every cell.
"""

from __future__ import annotations

import copy
import re

import nbformat

from autograder.grade.guard import is_guard
from autograder.grade.integrity import grade_id

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
FRAME = re.compile(r"(?:Cell In\s*\[(\d+)\]|<ipython-input-(\d+)-[0-9a-f]+>)(?:,\s*line (\d+))?")


def _frame_cell(frame: str) -> tuple[int | None, int | None]:
    match = FRAME.search(ANSI.sub("", frame))
    if not match:
        return None, None
    count = int(match.group(1) or match.group(2))
    return count, int(match.group(3)) if match.group(3) else None


def public_notebook(autograded, release) -> nbformat.NotebookNode:
    """A copy of ``autograded`` that shows nothing of the hidden tests."""
    nb = copy.deepcopy(autograded)
    visible = {grade_id(c): c.source for c in release.cells if grade_id(c)}
    tests = {
        grade_id(c)
        for c in nb.cells
        if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
    }
    test_counts = {
        c.execution_count: grade_id(c)
        for c in nb.cells
        if grade_id(c) in tests and c.execution_count
    }
    cells = []
    for cell in nb.cells:
        if is_guard(cell):
            continue
        gid = grade_id(cell)
        if gid in tests:
            cell.outputs = _test_outputs(cell, _visible_lines(cell.source))
            cell.source = visible.get(gid, "")
        elif cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = _without_test_frames(output, test_counts)
        cells.append(cell)
    nb.cells = cells
    return nb


def _without_test_frames(output, test_counts) -> list[str]:
    kept = []
    for frame in output.get("traceback", []):
        count, _ = _frame_cell(frame)
        if count in test_counts:
            kept.append(f"(a frame in {test_counts[count]} is not shown)")
        else:
            kept.append(frame)
    return kept


def _visible_lines(source: str) -> int:
    """Lines before the hidden block (marker split so this file never holds it)."""
    lines = source.splitlines()
    marker = "BEGIN HIDDEN" + " TESTS"
    return next((i for i, line in enumerate(lines) if marker in line), len(lines))


def _test_outputs(cell, visible_lines: int) -> list:
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    note = []
    if any(o.get("output_type") != "error" for o in cell.get("outputs", [])):
        note = [_stream("(output of a cell with tests is not shown)\n")]
    if not errors:
        return note
    error = errors[-1]
    line = None
    for frame in error.get("traceback", []):
        count, number = _frame_cell(frame)
        if count == cell.execution_count and number is not None:
            line = number
    if line is not None and line <= visible_lines:
        lines = cell.source.splitlines()
        frames = [
            f if _frame_cell(f)[0] != cell.execution_count else f"line {line}: {lines[line - 1]}"
            for f in error.get("traceback", [])
        ]
        shown = nbformat.v4.new_output(
            "error",
            ename=error.get("ename", "Error"),
            evalue=error.get("evalue", ""),
            traceback=frames,
        )
        return note + [shown]
    hidden = nbformat.v4.new_output(
        "error",
        ename="HiddenTestFailed",
        evalue="a hidden test failed (hidden tests show only pass or fail)",
        traceback=["HiddenTestFailed: a hidden test failed (hidden tests show only pass or fail)"],
    )
    return note + [hidden]


def _stream(text: str):
    return nbformat.v4.new_output("stream", name="stdout", text=text)
