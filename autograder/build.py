"""Build the learners' notebooks: ``solutions/NN_topic/NN_topic.md`` -> ``lessons/NN_topic/``.

Each source is converted by jupytext, given deterministic cell ids, put into nbgrader's course
directory (the workspace ``nbgrader-course/source/``), turned into a student version by nbgrader's
generate_assignment (solutions become stubs, hidden tests vanish), and written to
``lessons/NN_topic/NN_topic.ipynb`` without outputs and with normalised metadata, so two clean
builds are byte-identical and a test can tell when ``lessons/`` is stale.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from autograder import config, sources
from autograder.sources import source_notebook
from course.repo import repo_root

FIX_COMMAND = "autograder build"
_KEEP_NOTEBOOK_METADATA = ("kernelspec", "language_info")
_KEEP_CELL_METADATA = ("deletable", "editable", "nbgrader", "tags")


class StaleLessonsError(RuntimeError):
    """``lessons/`` does not match what ``autograder build`` makes of ``solutions/``."""

    def __init__(self, stale: list[str]):
        self.stale = stale
        super().__init__(
            f"lessons out of date with solutions/: {', '.join(stale)}; "
            f"run `{FIX_COMMAND} {' '.join(stale)}` and commit lessons/"
        )


def normalise(nb):
    """Strip outputs, execution counts and volatile metadata; keep what nbgrader needs."""
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb.metadata = {k: nb.metadata[k] for k in _KEEP_NOTEBOOK_METADATA if k in nb.metadata}
    if "language_info" in nb.metadata:
        nb.metadata["language_info"] = {"name": nb.metadata["language_info"].get("name", "python")}
    for cell in nb.cells:
        cell.metadata = {k: cell.metadata[k] for k in _KEEP_CELL_METADATA if k in cell.metadata}
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def dumps(nb) -> str:
    """Notebook JSON with sorted keys and a trailing newline (stable bytes for git)."""
    import nbformat

    nbformat.validate(nb)
    return nbformat.writes(nb, version=4).rstrip("\n") + "\n"


def build(
    lesson_ids: list[str] | None,
    *,
    root: str | os.PathLike | None = None,
    course_dir: str | os.PathLike | None = None,
    lessons_dir: str | os.PathLike | None = None,
) -> list[Path]:
    """Build the student notebooks of ``lesson_ids`` (all when None) and return their paths.

    ``course_dir`` is nbgrader's course directory (default: the workspace ``nbgrader-course``)
    and ``lessons_dir`` where the student versions go (default ``lessons``).
    """
    import nbformat

    root = repo_root(root)
    ids = list(lesson_ids) if lesson_ids else sources.lesson_ids(root)
    course_dir = Path(course_dir) if course_dir else config.workspace(root)
    lessons_dir = Path(lessons_dir) if lessons_dir else root / "lessons"
    for lesson_id in ids:
        nb = source_notebook(lesson_id, root)
        src = course_dir / "source" / lesson_id
        if src.exists():
            shutil.rmtree(src)
        src.mkdir(parents=True)
        (src / f"{lesson_id}.ipynb").write_text(dumps(nb), encoding="utf-8")
    config.write_workspace_config(course_dir)

    with tempfile.TemporaryDirectory(prefix="course-exchange-") as exchange:
        api = config.api(
            CourseDirectory={"root": str(Path(course_dir).resolve())},
            Exchange={"root": exchange},
        )
        with config.environment():
            for lesson_id in ids:
                result = api.generate_assignment(lesson_id, force=True, create=True)
                if not result["success"]:
                    raise RuntimeError(
                        f"nbgrader generate_assignment failed for {lesson_id}:\n"
                        f"{result.get('log', '')}\n{result.get('error', '')}"
                    )

    written = []
    for lesson_id in ids:
        released = course_dir / "release" / lesson_id / f"{lesson_id}.ipynb"
        nb = normalise(nbformat.read(released, as_version=4))
        out = lessons_dir / lesson_id / f"{lesson_id}.ipynb"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(dumps(nb), encoding="utf-8")
        written.append(out)
    return written


def stale_lessons(
    lesson_ids: list[str] | None = None, root: str | os.PathLike | None = None
) -> list[str]:
    """Lessons whose committed notebook differs from a fresh build (or is missing or orphaned)."""
    root = repo_root(root)
    ids = list(lesson_ids) if lesson_ids else sources.lesson_ids(root)
    with tempfile.TemporaryDirectory(prefix="course-build-") as tmp:
        tmp = Path(tmp)
        build(ids, root=root, course_dir=tmp / "course", lessons_dir=tmp / "lessons")
        stale = [
            lesson_id
            for lesson_id in ids
            if _read(root / "lessons" / lesson_id / f"{lesson_id}.ipynb")
            != _read(tmp / "lessons" / lesson_id / f"{lesson_id}.ipynb")
        ]
    if not lesson_ids and (root / "lessons").is_dir():
        stale += sorted(
            d.name
            for d in (root / "lessons").iterdir()
            if sources.LESSON_ID.match(d.name) and d.name not in ids
        )
    return stale


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def build_lessons(
    lesson_ids: list[str] | None = None,
    check: bool = False,
    root: str | os.PathLike | None = None,
) -> list[Path]:
    """Build ``lessons/`` from ``solutions/``; with ``check``, only verify it is up to date.

    ``check`` builds into a temporary folder and raises `StaleLessonsError` naming the
    lessons that differ; it writes nothing in the repository.
    """
    root = repo_root(root)
    if check:
        stale = stale_lessons(lesson_ids, root)
        if stale:
            raise StaleLessonsError(stale)
        ids = list(lesson_ids) if lesson_ids else sources.lesson_ids(root)
        return [root / "lessons" / i / f"{i}.ipynb" for i in ids]
    return build(lesson_ids, root=root)
