"""nbgrader, driven from Python: its configuration, its API, the workspace and the environment
of the processes it starts (shared by building and grading).

The workspace is nbgrader's course directory for `autograder build`: ``nbgrader-course/`` at the
top of the repository, git-ignored and outside every package, so a grading kernel that may read
the installed packages never reaches ``source/`` (the hidden tests) or a gradebook.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from course import cudasim
from course.repo import repo_root

CONFIG_FILE = Path(__file__).resolve().parent / "nbgrader_config.py"
WORKSPACE = "nbgrader-course"
# Written into the workspace, so nbgrader's own commands run there use the course's settings.
_WORKSPACE_CONFIG = '''"""Written by `autograder build`: nbgrader run in this folder uses the
course's settings (autograder/nbgrader_config.py) with this folder as its course directory."""

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file
load_subconfig({config!r})  # noqa: F821
c.CourseDirectory.root = {root!r}
'''


def workspace(root: str | os.PathLike | None = None) -> Path:
    """nbgrader's course directory for the repository: ``<root>/nbgrader-course``."""
    return repo_root(root) / WORKSPACE


def write_workspace_config(course_dir: Path) -> Path:
    """An ``nbgrader_config.py`` in ``course_dir`` that loads the course's configuration."""
    path = course_dir / "nbgrader_config.py"
    text = _WORKSPACE_CONFIG.format(config=str(CONFIG_FILE), root=str(course_dir.resolve()))
    path.write_text(text, encoding="utf-8")
    return path


def nbgrader_config(**overrides: dict):
    """``autograder/nbgrader_config.py`` as a traitlets Config, plus ``overrides``.

    ``overrides`` maps a class name to its settings, e.g. ``CourseDirectory={"root": "/tmp/x"}``.
    """
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(CONFIG_FILE.name, path=str(CONFIG_FILE.parent)).load_config()
    merged = Config()
    merged.merge(config)
    for section, values in overrides.items():
        for key, value in values.items():
            merged[section][key] = value
    return merged


def api(**overrides: dict):
    """nbgrader's ``NbGraderAPI`` on the course's configuration plus ``overrides``."""
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = nbgrader_config(**overrides)
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


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
    ``COURSE_HEADLESS=1`` (no frontend: `course.widgets` draw static output, open no comms), and
    Numba's CUDA simulator for lesson 06's kernels, GPU or not, so every submission is graded the
    same way (see course/cudasim.py); a value already set in the environment wins (a GPU check
    sets 0)."""
    pythonpath = os.environ.get("PYTHONPATH", "")
    parts = [str(root)] + [p for p in pythonpath.split(os.pathsep) if p and p != str(root)]
    return {
        "PYTHONPATH": os.pathsep.join(parts),
        "COURSE_QUICK": "1" if quick else None,
        "COURSE_NO_PROGRESS": "1",
        "COURSE_HEADLESS": "1",
        cudasim.ENV: os.environ.get(cudasim.ENV, "1"),
    }
