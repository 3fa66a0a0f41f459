"""Inject the runtime guard into a notebook to grade, and read its verdict back.

Three kinds of grader cells (ids ``course-guard-*``, removed from feedback): one right after
the setup cell installs the guard (`autograder.grade.guard_kernel`), one before every test cell
puts back and notes anything the learner's code replaced, one at the end prints the notes.
The guard's handle lives under a random name, and its report carries a random nonce, so a
submission cannot address it or forge its verdict in advance.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import nbformat

from autograder.grade.integrity import grade_id

PREFIX = "course-guard-"
_SOURCE = (Path(__file__).parent / "guard_kernel.py").read_text(encoding="utf-8")


def is_guard(cell) -> bool:
    return str(cell.get("id", "")).startswith(PREFIX)


def inject(nb, test_ids: set[str]) -> str:
    """Add the guard cells to ``nb`` in place; return the nonce its report will carry."""
    nonce = secrets.token_hex(8)
    handle = f"_course_guard_{secrets.token_hex(6)}"
    install = (
        f"def {handle}():\n"
        f"    namespace = {{'__name__': 'course_guard'}}\n"
        f"    exec(compile({_SOURCE!r}, '<course-guard>', 'exec'), namespace)\n"
        f"    return namespace['install']({nonce!r}, get_ipython())\n"
        f"{handle} = {handle}()\n"
    )
    cells = []
    for cell in nb.cells:
        if grade_id(cell) in test_ids:
            source = f"{handle}({grade_id(cell)!r})"
            cells.append(nbformat.v4.new_code_cell(source, id=f"{PREFIX}{len(cells)}"))
        cells.append(cell)
        if grade_id(cell) == "setup":
            cells.append(nbformat.v4.new_code_cell(install, id=f"{PREFIX}install"))
    if not any(c.get("id") == f"{PREFIX}install" for c in cells):
        cells.insert(0, nbformat.v4.new_code_cell(install, id=f"{PREFIX}install"))
    end = f"{handle}('end', report=True)"
    cells.append(nbformat.v4.new_code_cell(end, id=f"{PREFIX}report"))
    nb.cells = cells
    return nonce


def verdict(nb, nonce: str) -> list[str] | None:
    """What the guard found (``[]``: nothing), or None when its report is missing."""
    for cell in nb.cells:
        if cell.get("id") != f"{PREFIX}report":
            continue
        report = None
        for output in cell.get("outputs", []):
            if output.get("output_type") != "stream":
                continue
            for line in output.get("text", "").splitlines():
                if line.startswith(f"COURSE-GUARD {nonce} "):
                    report = json.loads(line.split(" ", 2)[2])
        return report
    return None


def guard_errors(nb) -> list[str]:
    """Guard cells that raised (the guard itself was broken into)."""
    found = []
    for cell in nb.cells:
        if is_guard(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    found.append(f"{cell.id}: {output.get('ename')}")
    return found
