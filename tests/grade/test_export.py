"""`course export-student DIR`: lessons, package and binder, no solutions, no hidden tests."""

from __future__ import annotations

import re

import jupytext
import pytest

from course import lessons
from course.cli import main
from course.grade.export import export_student

MARKERS = {
    "solution": ("BEGIN SOLUTION", "END SOLUTION"),
    "hidden test": ("BEGIN HIDDEN" + " TESTS", "END HIDDEN" + " TESTS"),
}


# Bare block headers ("except ValueError:") are Python, not secrets.
SYNTAX = re.compile(r"^(except\b[\w.\s,()]*|try|else|finally):$")


def secret_lines() -> dict[str, set[str]]:
    """Lines inside every lesson's solution and hidden-test regions (not shown in the open)."""
    found = {kind: set() for kind in MARKERS}
    public = set()
    for lesson_id in lessons.lesson_ids():
        for cell in jupytext.read(lessons.source_path(lesson_id)).cells:
            inside = None
            for line in cell.source.splitlines():
                text = line.strip()
                hit = [(k, b in text) for k, (b, e) in MARKERS.items() if b in text or e in text]
                if hit:
                    inside = hit[0][0] if hit[0][1] else None
                elif inside:
                    found[inside].add(text)
                else:
                    public.add(text)
    return {
        # A line that only opens a bracket ("raise AssertionError(") says nothing secret.
        k: {
            s
            for s in v - public
            if len(s) >= 16
            and not s.endswith(("(", "[", "{"))
            and not SYNTAX.match(s)
            and not any(s in p for p in public)
        }
        for k, v in found.items()
    }


def test_export_has_no_solutions_or_hidden_tests(tmp_path):
    dest = tmp_path / "student-repo"
    assert main(["export-student", str(dest)]) == 0
    names = {p.name for p in dest.iterdir()}
    assert {"lessons", "course", "README.md", "pyproject.toml"} <= names
    assert not names & {"solutions", "autograder", "tests", "docs"}
    exported = sorted(p.name for p in (dest / "lessons").iterdir() if p.is_dir())
    assert exported == lessons.lesson_ids()
    assert (dest / "lessons" / "README.md").is_file()  # the course index travels too
    texts = {
        p: p.read_text(encoding="utf-8", errors="ignore")
        for p in dest.rglob("*")
        if p.is_file() and p.suffix in (".py", ".ipynb", ".md", ".toml", ".txt", ".json", "")
    }
    assert not [p for p in dest.rglob("*") if p.suffix == ".db" or p.name == "__pycache__"]
    secrets = secret_lines()
    assert secrets["solution"] and secrets["hidden test"]
    for kind, lines in secrets.items():
        for path, text in texts.items():
            if kind == "solution" and path.parts[len(dest.parts)] == "course":
                continue  # the package is the reference framework learners import on purpose
            leaked = sorted(line for line in lines if line in text)
            assert not leaked, f"{kind} lines in {path.relative_to(dest)}: {leaked[:3]}"


def test_export_refuses_a_full_folder(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        export_student(tmp_path)
