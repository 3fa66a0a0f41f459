"""Helpers for the lesson tests: lesson parameters, wrong answers, cached builds."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from autograder import sources
from autograder.build import build
from course.repo import repo_root

ROOT = repo_root()
WRONG_DIR = Path(__file__).parent / "wrong"


def lesson_params() -> list:
    """Every lesson under solutions/, each marked with its marker (``pytest -m lesson01``)."""
    return [
        pytest.param(lesson_id, marks=getattr(pytest.mark, f"lesson{lesson_id[:2]}"), id=lesson_id)
        for lesson_id in sources.lesson_ids(ROOT)
    ]


def wrong_answers(lesson_id: str):
    """The module ``tests/lessons/wrong/NN_topic.py`` (WRONG and HIDDEN_ONLY)."""
    path = WRONG_DIR / f"{lesson_id}.py"
    assert path.is_file(), f"{lesson_id}: write {path} with WRONG (and HIDDEN_ONLY)"
    spec = importlib.util.spec_from_file_location(f"wrong_{lesson_id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Builds:
    """Clean builds of a lesson into temporary folders, made once per session."""

    def __init__(self, factory: pytest.TempPathFactory):
        self.factory = factory
        self.cache: dict[tuple[str, int], Path] = {}

    def __call__(self, lesson_id: str, copy: int = 0) -> Path:
        """Folder with ``course/`` (nbgrader course dir) and ``lessons/`` for build ``copy``."""
        key = (lesson_id, copy)
        if key not in self.cache:
            tmp = self.factory.mktemp(f"build-{lesson_id}-{copy}")
            build([lesson_id], root=ROOT, course_dir=tmp / "course", lessons_dir=tmp / "lessons")
            self.cache[key] = tmp
        return self.cache[key]


MYST_HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def tiny_course(tmp_path: Path, body: str, lesson_id: str = "00_tiny") -> Path:
    """A throwaway course repository under ``tmp_path`` holding one lesson source (MyST header
    + ``body``; the nbgrader configuration is the autograder package's own); returns its root."""
    path = tmp_path / "solutions" / lesson_id / f"{lesson_id}.md"
    path.parent.mkdir(parents=True)
    path.write_text(MYST_HEADER + body)
    return tmp_path


def variants(module) -> list[tuple[str, str, str]]:
    """(answer cell, variant name, source) of every wrong answer in a ``wrong/`` module.

    ``WRONG`` maps an answer cell's grade_id to its wrong variants, ``{name: source}``, or to
    one source (named "wrong")."""
    out = []
    for grade_id, answers in module.WRONG.items():
        if isinstance(answers, str):
            answers = {"wrong": answers}
        out += [(grade_id, name, source) for name, source in answers.items()]
    return out


def first_variants(module) -> dict[str, str]:
    """Answer cell -> the source of its first wrong variant."""
    first: dict[str, str] = {}
    for grade_id, _, source in variants(module):
        first.setdefault(grade_id, source)
    return first


def hidden_only(module) -> dict[tuple[str, str], str]:
    """``HIDDEN_ONLY``: (answer cell, variant) -> why only the hidden tests catch it."""
    return dict(getattr(module, "HIDDEN_ONLY", {}))
