"""Crafted submissions of lesson 01_tensors: correct, wrong, broken and hostile ones."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import nbformat

from autograder.grade.integrity import grade_id

# Short enough that the crafted infinite loops end fast, long enough for a setup cell that
# imports torch on a busy 2-core machine (5 s was not). Here, not in conftest.py: a test module
# importing `conftest` gets whichever conftest was imported first (tests/lessons has one too).
CELL_TIMEOUT = 15
TIME_LIMIT = 120

LESSON = "01_tensors"
WRONG_FILE = Path(__file__).parents[1] / "lessons" / "wrong" / f"{LESSON}.py"
MARKERS = ("BEGIN SOLUTION", "END SOLUTION")


def wrong_answers() -> dict[str, str]:
    """One wrong answer per exercise: the first of its planted variants."""
    spec = importlib.util.spec_from_file_location("wrong_01", WRONG_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {
        gid: next(iter(variants.values())) if isinstance(variants, dict) else variants
        for gid, variants in module.WRONG.items()
    }


class Crafter:
    """Make submissions from the release notebook of a built course directory."""

    def __init__(self, course_dir: Path):
        self.release = nbformat.read(course_dir / "release" / LESSON / f"{LESSON}.ipynb", 4)
        source = nbformat.read(course_dir / "source" / LESSON / f"{LESSON}.ipynb", 4)
        self.solutions = {
            grade_id(c): "\n".join(
                l for l in c.source.splitlines() if not any(m in l for m in MARKERS)
            )
            for c in source.cells
            if grade_id(c).startswith("ex_")
        }
        self.wrong = wrong_answers()

    def answers(self, answers: dict[str, str] | None = None, extra: dict[str, str] | None = None):
        """The release with ``answers`` (grade_id -> source, default: the solutions), and
        ``extra`` appended to the named answer cells."""
        nb = copy.deepcopy(self.release)
        answers = self.solutions if answers is None else answers
        for cell in nb.cells:
            gid = grade_id(cell)
            if gid in answers:
                cell.source = answers[gid]
            if extra and gid in extra:
                cell.source += "\n" + extra[gid]
        return nb

    def correct(self):
        return self.answers()

    def wrong_all(self):
        return self.answers(self.wrong)

    def with_answer(self, exercise: str, source: str, base: dict | None = None):
        return self.answers({**(base or self.solutions), exercise: source})

    def insert_after(self, nb, after: str, source: str):
        index = next(i for i, c in enumerate(nb.cells) if grade_id(c) == after)
        nb.cells.insert(index + 1, nbformat.v4.new_code_cell(source, id="learner-extra"))
        return nb

    def edit(self, nb, gid: str, change):
        for cell in nb.cells:
            if grade_id(cell) == gid:
                change(cell)
        return nb


LOOP = """def contiguous_strides(shape, itemsize):
    while True:
        pass
"""
STUBBORN = """import time


def view_or_copy():
    while True:
        try:
            time.sleep(0.5)
        except KeyboardInterrupt:
            pass
"""
HOG = """def standardize(X, axis=0, eps=1e-5):
    blocks = []
    while True:
        blocks.append(bytearray(10**8))
"""
REFERENCE = """def sliding_windows(x, window):
    return np.lib.stride_tricks.sliding_window_view(x, window)
"""


def craft(course_dir: Path, folder: Path) -> dict[str, Path]:
    """Write every crafted submission as ``folder/<student>.ipynb``; return their paths."""
    c = Crafter(course_dir)
    w = c.wrong
    subs = {
        "correct": c.correct(),
        "untouched": copy.deepcopy(c.release),
        "wrong": c.wrong_all(),
        "loop": c.with_answer("ex_contiguous_strides", LOOP),
        "stubborn": c.with_answer("ex_view_or_copy", STUBBORN),
        "exit": c.insert_after(c.correct(), "setup", "import os\n\nos._exit(3)"),
        "segfault": c.answers(
            extra={"ex_broadcast_shape": "import faulthandler\n\nfaulthandler._sigsegv()"}
        ),
        "memhog": c.with_answer("ex_standardize", HOG),
        "output": c.insert_after(c.correct(), "setup", 'print("x" * 50_000_000)'),
        "edited": c.edit(
            c.with_answer("ex_contiguous_strides", w["ex_contiguous_strides"]),
            "test_contiguous_strides",
            lambda cell: setattr(cell, "source", "pass"),
        ),
        "deleted": _delete(c.with_answer("ex_broadcast_shape", w["ex_broadcast_shape"])),
        "reordered": _reorder(c.correct()),
        "markdown": c.edit(
            c.with_answer("ex_standardize", w["ex_standardize"]),
            "test_standardize",
            lambda cell: (
                setattr(cell, "cell_type", "markdown")
                or cell.pop("outputs", None)
                or cell.pop("execution_count", None)
            ),
        ),
        "points": c.edit(
            c.correct(),
            "test_matmul_broadcast",
            lambda cell: cell.metadata["nbgrader"].update(points=100),
        ),
        "allclose": c.with_answer(
            "ex_standardize", w["ex_standardize"] + "\n\nnp.allclose = lambda *a, **k: True\n"
        ),
        "testing": c.insert_after(
            c.correct(),
            "setup",
            'import course.testing\n\neval("setattr")(course.testing, "assert_close", print)',
        ),
        "builtins": c.insert_after(
            c.correct(),
            "setup",
            'eval("__imp" + "ort__")("built" + "ins").abs = lambda *a: 0',
        ),
        "sysmodules": c.insert_after(
            c.correct(),
            "setup",
            'import sys\nimport types\n\nsys.modules["numpy"] = types.SimpleNamespace()',
        ),
        "reference": c.with_answer("ex_sliding_windows", REFERENCE),
    }
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for student, nb in subs.items():
        paths[student] = folder / f"{student}.ipynb"
        nbformat.write(nb, paths[student])
    return paths


def _delete(nb):
    nb.cells = [cell for cell in nb.cells if grade_id(cell) != "test_broadcast_shape"]
    return nb


def _reorder(nb):
    ids = [grade_id(cell) for cell in nb.cells]
    i, j = ids.index("ex_sliding_windows"), ids.index("test_sliding_windows")
    nb.cells[i], nb.cells[j] = nb.cells[j], nb.cells[i]
    return nb
