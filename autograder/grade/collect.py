"""Find each student's notebook in a class's submissions: nbgrader's ``submitted/`` layout
(``<student>/<lesson>/<lesson>.ipynb``), a flat folder of ``<student>.ipynb``, or a zip of either.

Nothing is read twice or modified: a zip is unpacked into a temporary folder, and a problem
(no notebook, a notebook under another name, an unreadable file) is recorded on the
`Submission` instead of raised, so one student's mistake never stops the class.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}$")
MAX_NOTEBOOK_BYTES = 50_000_000
MAX_ZIP_BYTES = 2_000_000_000


@dataclass
class Submission:
    """One student's hand-in: the notebook to grade (None when there is none) and why."""

    student: str
    notebook: Path | None
    problem: str = ""  # set when the submission cannot be graded: the CSV's failure reason
    note: str = ""  # graded, but the instructor should know (e.g. the file's original name)
    folder: Path | None = None  # nbgrader layout: the folder holding timestamp.txt


def collect(
    submissions: str | Path, lesson_id: str, workdir: Path | None = None
) -> list[Submission]:
    """Every student in ``submissions`` (a folder or a zip), sorted by student id."""
    path = Path(submissions)
    if not path.exists():
        raise FileNotFoundError(f"no submissions at {path}")
    if path.is_file():
        if not zipfile.is_zipfile(path):
            raise ValueError(f"{path} is neither a folder nor a zip of submissions")
        workdir = Path(workdir or tempfile.mkdtemp(prefix="course-submissions-"))
        path = _unzip(path, workdir / "unzipped")
    path = _descend(path, lesson_id)
    if _is_nbgrader_layout(path, lesson_id):
        found = [_from_student_folder(d, lesson_id) for d in path.iterdir() if d.is_dir()]
    else:
        found = [_from_flat_file(f) for f in path.iterdir() if f.suffix == ".ipynb"]
    found = [s for s in found if s is not None]
    return sorted(found, key=lambda s: s.student)


def _unzip(archive: Path, dest: Path) -> Path:
    """Unpack safely: no absolute paths, no ``..``, no links, bounded size."""
    dest.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive) as zf:
        total = 0
        for info in zf.infolist():
            name = Path(info.filename)
            if name.is_absolute() or ".." in name.parts or info.is_dir():
                continue
            if "__MACOSX" in name.parts or name.name.startswith("."):
                continue
            total += info.file_size
            if total > MAX_ZIP_BYTES:
                raise ValueError(f"{archive}: unpacks to more than {MAX_ZIP_BYTES / 1e9:g} GB")
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
    return dest


def _descend(path: Path, lesson_id: str) -> Path:
    """Step into a lone wrapper folder (``submitted/`` or the zip's top folder)."""
    for _ in range(3):
        entries = [e for e in path.iterdir() if not e.name.startswith(".")]
        if (path / "submitted").is_dir():
            return path / "submitted"
        if len(entries) == 1 and entries[0].is_dir() and not (entries[0] / lesson_id).is_dir():
            path = entries[0]
        else:
            break
    return path


def _is_nbgrader_layout(path: Path, lesson_id: str) -> bool:
    dirs = [d for d in path.iterdir() if d.is_dir() and not d.name.startswith(".")]
    return any((d / lesson_id).is_dir() for d in dirs) or (
        bool(dirs) and not any(f.suffix == ".ipynb" for f in path.iterdir())
    )


def _from_student_folder(folder: Path, lesson_id: str) -> Submission | None:
    student = folder.name
    if student.startswith("."):
        return None
    if not STUDENT_ID.match(student):
        return Submission(_safe_id(student), None, f"invalid student id {student!r}")
    lesson = folder / lesson_id
    if not lesson.is_dir():
        return Submission(student, None, f"missing notebook: no {lesson_id}/ folder")
    expected = lesson / f"{lesson_id}.ipynb"
    if expected.is_file():
        return Submission(student, expected, folder=lesson)
    others = sorted(p for p in lesson.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if len(others) == 1:
        note = f"notebook submitted as {others[0].relative_to(lesson)}, graded as {expected.name}"
        return Submission(student, others[0], note=note, folder=lesson)
    if others:
        names = ", ".join(str(p.relative_to(lesson)) for p in others)
        return Submission(student, None, f"no {expected.name}, and several notebooks: {names}")
    return Submission(student, None, f"missing notebook: no {expected.name}")


def _from_flat_file(path: Path) -> Submission:
    student = path.stem
    if not STUDENT_ID.match(student):
        return Submission(_safe_id(student), None, f"invalid student id {student!r}")
    return Submission(student, path)


def _safe_id(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.@+-]", "_", name)[:100] or "unnamed"


def read_problem(path: Path) -> str:
    """Why ``path`` is not a gradable notebook ("" when it is one)."""
    import json

    import nbformat

    size = path.stat().st_size
    if size == 0:
        return "empty file"
    if size > MAX_NOTEBOOK_BYTES:
        return f"notebook too large ({size / 1e6:.0f} MB > {MAX_NOTEBOOK_BYTES / 1e6:.0f} MB)"
    try:
        text = path.read_text(encoding="utf-8")
        json.loads(text)
    except UnicodeDecodeError:
        return "not a notebook: not UTF-8 text"
    except json.JSONDecodeError as error:
        return f"corrupt notebook JSON: {error.msg} at line {error.lineno}"
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as error:  # noqa: BLE001 - any reason it is not a notebook is the reason
        return f"not a valid notebook: {str(error).splitlines()[0][:200]}"
    return ""
