"""Where the lessons live, and how nbgrader is driven from Python (shared by release and grading).

A lesson ``NN_topic`` has one source, ``solutions/NN_topic/NN_topic.md``; the repository root is
the folder above this package (it holds ``pyproject.toml``) unless a caller names another one.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

LESSON_ID = re.compile(r"^\d\d_[a-z0-9_]+$")


def repo_root(root: str | os.PathLike | None = None) -> Path:
    """The course repository: ``root``, else ``$COURSE_ROOT``, else this package's parent."""
    if root is None:
        root = os.environ.get("COURSE_ROOT") or Path(__file__).resolve().parent.parent
    root = Path(root).resolve()
    if not (root / "solutions").is_dir() and not (root / "pyproject.toml").is_file():
        raise FileNotFoundError(
            f"{root} is not the course repository (no solutions/ or pyproject.toml): "
            "pass --root or set COURSE_ROOT"
        )
    return root


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


def nbgrader_config(root: str | os.PathLike | None = None, **overrides: dict):
    """The course's ``autograder/nbgrader_config.py`` as a traitlets Config, plus ``overrides``.

    ``overrides`` maps a class name to its settings, e.g. ``CourseDirectory={"root": "/tmp/x"}``.
    """
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    path = repo_root(root) / "autograder" / "nbgrader_config.py"
    config = Config()
    if path.is_file():
        config = PyFileConfigLoader(path.name, path=str(path.parent)).load_config()
    for section, values in overrides.items():
        for key, value in values.items():
            config[section][key] = value
    return config


@contextlib.contextmanager
def environment(**variables: str | None) -> Iterator[None]:
    """Set environment variables for the subprocesses nbgrader starts, then restore them.

    This interpreter's ``bin`` goes first on PATH: nbgrader runs ``alembic`` to create a
    gradebook, and the ``python3`` kernel spec starts ``python`` from PATH. ``None`` unsets.
    """
    old = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if bin_dir not in path.split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + path if path else bin_dir
    for key, value in variables.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(old)


def kernel_environment(root: Path, quick: bool) -> dict[str, str | None]:
    """Variables for a lesson's kernel: the repository's ``course`` first, quick mode on or off,
    and ``COURSE_HEADLESS=1`` (no frontend: `course.widgets` draw static output, open no comms)."""
    pythonpath = os.environ.get("PYTHONPATH", "")
    parts = [str(root)] + [p for p in pythonpath.split(os.pathsep) if p and p != str(root)]
    return {
        "PYTHONPATH": os.pathsep.join(parts),
        "COURSE_QUICK": "1" if quick else None,
        "COURSE_NO_PROGRESS": "1",
        "COURSE_HEADLESS": "1",
    }
