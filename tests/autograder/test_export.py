"""`autograder export-student DIR`: lessons, package and binder, no solutions, no hidden tests."""

from __future__ import annotations

import re
import tomllib

import jupytext
import pytest

from autograder import sources
from autograder.cli import main
from autograder.export import export_student, student_pyproject

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
    for lesson_id in sources.lesson_ids():
        for cell in jupytext.read(sources.source_path(lesson_id)).cells:
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
    assert not names & {"solutions", "autograder", "tests", "docs", "nbgrader-course"}
    assert sorted(p.name for p in (dest / "benchmarks").iterdir()) == ["results"]
    exported = sorted(p.name for p in (dest / "lessons").iterdir() if p.is_dir())
    assert exported == sources.lesson_ids()
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


def test_export_ships_no_grading_tools(tmp_path):
    """The learner's package only: no grading code, no Python file that names nbgrader or imports
    autograder, and a pyproject.toml with no instructor package, command or extra."""
    dest = export_student(tmp_path / "student-repo")
    code = {p: p.read_text() for p in dest.rglob("*.py")}
    assert code and not [p for p, text in code.items() if "nbgrader" in text]
    imports = re.compile(r"^\s*(from|import) autograder\b", re.MULTILINE)
    assert not [p for p, text in code.items() if imports.search(text)]
    assert not list(dest.rglob("guard_kernel.py")) and not list(dest.rglob("scan.py"))
    pyproject = (dest / "pyproject.toml").read_text()
    for word in ("autograder", "jupytext", "instructor"):
        assert word not in pyproject, f"the student pyproject.toml still names {word}"
    project = tomllib.loads(pyproject)
    extras = project["project"]["optional-dependencies"]
    requirements = [*project["project"]["dependencies"], *(r for e in extras.values() for r in e)]
    assert not [r for r in requirements if "nbgrader" in r]
    assert project["project"]["scripts"] == {"course": "course.cli:main"}
    assert project["tool"]["setuptools"]["packages"]["find"]["include"] == ["course*"]


def test_student_pyproject_refuses_an_unknown_layout():
    with pytest.raises(ValueError, match="update autograder/export.py"):
        student_pyproject('[project]\nname = "x"\n')
