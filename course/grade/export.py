"""`course export-student DIR`: the repository learners clone or open on Binder.

It holds what a learner needs and nothing the grader keeps back: ``lessons/`` (release
notebooks: stubs, visible tests only), the ``course`` package (the reference framework that
later lessons import), ``binder/``, README, pyproject and LICENSE. Never ``solutions/``,
``autograder/`` (nbgrader's workspace and gradebook), ``tests/`` (wrong answers) or docs for
maintainers and instructors.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from course import lessons

INCLUDE = ("lessons", "course", "binder", "README.md", "pyproject.toml", "LICENSE", "LICENSE.md")
IGNORE = shutil.ignore_patterns(
    "__pycache__", "*.pyc", "*.egg-info", ".ipynb_checkpoints", ".DS_Store", "*.db"
)


def export_student(dest: str | os.PathLike, root: str | os.PathLike | None = None) -> Path:
    """Copy the student-facing files of the course repository to ``dest`` (new or empty)."""
    root = lessons.repo_root(root)
    dest = Path(dest).resolve()
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty: export into a new or empty folder")
    if dest == root or root in dest.parents:
        raise FileExistsError(f"{dest} is inside the course repository {root}")
    if not (root / "lessons").is_dir():
        raise FileNotFoundError(f"{root / 'lessons'} is missing: run `course release` first")
    dest.mkdir(parents=True, exist_ok=True)
    for name in INCLUDE:
        path = root / name
        if path.is_dir():
            shutil.copytree(path, dest / name, ignore=IGNORE)
        elif path.is_file():
            shutil.copy2(path, dest / name)
    return dest
