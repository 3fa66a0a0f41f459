"""Where the course repository is: one answer for the doctor, the benchmarks, the lessons and
the instructor's tools.

The repository is a folder with ``solutions/`` (the instructor's clone) or with ``pyproject.toml``
beside ``course/`` (a clone, the student export, an editable install). It is looked for in this
order: the folder a caller names, ``$COURSE_ROOT``, the folder above this package (a clone or an
editable install), then the current folder and its parents (a regular install run from a clone).

>>> repo_root()  # doctest: +SKIP
PosixPath('/home/ada/dl-from-scratch')
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["find_root", "is_repo", "repo_root", "results_dir"]


def is_repo(path: Path) -> bool:
    """Whether ``path`` looks like the course repository."""
    has_package = (path / "pyproject.toml").is_file() and (path / "course").is_dir()
    return (path / "solutions").is_dir() or has_package


def find_root(root: str | os.PathLike | None = None) -> Path | None:
    """The course repository, or None when there is none to be found (see the module doc)."""
    if root is not None:
        path = Path(root).resolve()
        return path if is_repo(path) else None
    if os.environ.get("COURSE_ROOT"):
        path = Path(os.environ["COURSE_ROOT"]).resolve()
        return path if is_repo(path) else None
    here = Path(__file__).resolve().parent.parent
    if is_repo(here):
        return here
    cwd = Path.cwd().resolve()
    return next((path for path in (cwd, *cwd.parents) if is_repo(path)), None)


def repo_root(root: str | os.PathLike | None = None) -> Path:
    """`find_root`, or a FileNotFoundError that says where it looked and how to point at it."""
    found = find_root(root)
    if found is not None:
        return found
    named = root if root is not None else os.environ.get("COURSE_ROOT")
    where = f"{Path(named).resolve()} is not" if named else "found no"
    raise FileNotFoundError(
        f"{where} course repository (a folder with solutions/, or pyproject.toml and course/): "
        "run from inside a clone, pass --root or set COURSE_ROOT"
    )


def results_dir(root: str | os.PathLike | None = None) -> Path | None:
    """``benchmarks/results`` of the repository (measured speed files), or None without one."""
    found = find_root(root)
    return found / "benchmarks" / "results" if found is not None else None
