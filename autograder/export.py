"""`autograder export-student DIR`: the repository learners clone or open on Binder.

It holds what a learner needs and nothing the grader keeps back: ``lessons/`` (release
notebooks: stubs, visible tests only), the ``course`` package (the reference framework that
later lessons import), ``binder/``, the measured speed files lessons 06 and 07 show
(``benchmarks/results/``), README, LICENSE, and a ``pyproject.toml`` without the instructor's
package, command and extra. Never ``solutions/``, ``autograder/`` (building and grading tools),
the nbgrader workspace, ``tests/`` (wrong answers) or docs for maintainers and instructors.
"""

from __future__ import annotations

import os
import shutil
import tomllib
from pathlib import Path

from course.repo import repo_root

INCLUDE = (
    *("lessons", "course", "binder", "benchmarks/results"),
    *("README.md", "LICENSE", "LICENSE.md"),
)
# pyproject.toml's lines that belong to the instructor: each must be found, so that a change to
# them fails the export loudly instead of shipping a command the student repository cannot run.
_INSTRUCTOR_LINES = {
    "# The instructor's side": None,
    "instructor = [": None,
    'autograder = "autograder.cli:main"': None,
    'include = ["course*", "autograder*"]': 'include = ["course*"]',
}
IGNORE = shutil.ignore_patterns(
    "__pycache__", "*.pyc", "*.egg-info", ".ipynb_checkpoints", ".DS_Store", "*.db"
)


def export_student(dest: str | os.PathLike, root: str | os.PathLike | None = None) -> Path:
    """Copy the student-facing files of the course repository to ``dest`` (new or empty)."""
    root = repo_root(root)
    dest = Path(dest).resolve()
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty: export into a new or empty folder")
    if dest == root or root in dest.parents:
        raise FileExistsError(f"{dest} is inside the course repository {root}")
    if not (root / "lessons").is_dir():
        raise FileNotFoundError(f"{root / 'lessons'} is missing: run `autograder build` first")
    pyproject = student_pyproject((root / "pyproject.toml").read_text(encoding="utf-8"))
    dest.mkdir(parents=True, exist_ok=True)
    for name in INCLUDE:
        path = root / name
        if path.is_dir():
            shutil.copytree(path, dest / name, ignore=IGNORE)
        elif path.is_file():
            shutil.copy2(path, dest / name)
    (dest / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return dest


def student_pyproject(text: str) -> str:
    """The course's ``pyproject.toml`` without the ``autograder`` package, command and extra."""
    lines, found = [], set()
    for line in text.splitlines():
        key = next((k for k in _INSTRUCTOR_LINES if line.strip().startswith(k)), None)
        if key is None:
            lines.append(line)
            continue
        found.add(key)
        if _INSTRUCTOR_LINES[key] is not None:
            lines.append(line.replace(key, _INSTRUCTOR_LINES[key]))
    missing = set(_INSTRUCTOR_LINES) - found
    if missing:
        raise ValueError(f"pyproject.toml changed: update autograder/export.py for {missing}")
    out = "\n".join(lines) + "\n"
    tomllib.loads(out)  # still valid
    return out
