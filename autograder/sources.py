"""The lessons' sources: ``solutions/NN_topic/NN_topic.md``, one MyST notebook per lesson.

>>> lesson_ids()  # doctest: +SKIP
['00_speed', '01_tensors', ...]
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from course.repo import repo_root

LESSON_ID = re.compile(r"^\d\d_[a-z0-9_]+$")


def lesson_ids(root: str | os.PathLike | None = None) -> list[str]:
    """Every lesson with a source ``solutions/NN_topic/NN_topic.md``, in order."""
    solutions = repo_root(root) / "solutions"
    if not solutions.is_dir():
        return []
    found = [d for d in solutions.iterdir() if LESSON_ID.match(d.name)]
    return sorted(d.name for d in found if (d / f"{d.name}.md").is_file())


def source_path(lesson_id: str, root: str | os.PathLike | None = None) -> Path:
    """``solutions/NN_topic/NN_topic.md``, with an error that lists the lessons that exist."""
    path = repo_root(root) / "solutions" / lesson_id / f"{lesson_id}.md"
    if not path.is_file():
        known = ", ".join(lesson_ids(root)) or "none"
        raise FileNotFoundError(f"no lesson {lesson_id!r}: {path} is missing (lessons: {known})")
    return path


def source_notebook(lesson_id: str, root: str | os.PathLike | None = None):
    """The lesson's source as an nbformat 4.5 notebook with deterministic cell ids."""
    import jupytext

    nb = jupytext.read(source_path(lesson_id, root))
    nb.nbformat, nb.nbformat_minor = 4, 5
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id:
            cell_id = grade_id
        else:
            digest = hashlib.sha1(f"{index}\0{cell.cell_type}\0{cell.source}".encode()).hexdigest()
            cell_id = f"{cell.cell_type[:2]}-{digest[:10]}"
        if cell_id in seen:
            raise ValueError(f"{lesson_id}: two cells share the id {cell_id!r}")
        seen.add(cell_id)
        cell["id"] = cell_id
    return nb
