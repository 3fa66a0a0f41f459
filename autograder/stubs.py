"""Stubs that name their exercise: ``raise NotImplementedError("Exercise 3: matmul_loops")``.

nbgrader's ClearSolutions puts one global ``code_stub`` in every answer cell, so an untouched
exercise fails with a bare ``NotImplementedError`` that names nothing. `NamedStubs` replaces
ClearSolutions in generate_assignment: it numbers the answer cells (``ex_*``) in notebook order,
as the lessons' "Exercise N" headings do, and names each stub after its cell. It runs where
ClearSolutions ran, before the checksums, so nbgrader still recognises an untouched answer.
"""

from __future__ import annotations

from nbgrader import utils
from nbgrader.preprocessors import ClearSolutions

STUB = "raise NotImplementedError()"


def named_stub(number: int, grade_id: str) -> str:
    """The stub of the ``number``-th exercise, whose answer cell is ``grade_id``."""
    return f'raise NotImplementedError("Exercise {number}: {grade_id.removeprefix("ex_")}")'


class NamedStubs(ClearSolutions):
    """ClearSolutions whose stub in answer cell ``ex_name`` names exercise N and ``name``."""

    def preprocess(self, nb, resources):
        self._number = 0
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if cell.cell_type == "code" and utils.is_solution(cell) and grade_id.startswith("ex_"):
            self._number += 1
            cell.source = cell.source.replace(STUB, named_stub(self._number, grade_id))
        return cell, resources
