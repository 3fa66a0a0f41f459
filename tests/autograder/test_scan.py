"""Static scan of the cells a learner wrote (`autograder.grade.scan`), on in-memory notebooks.

Findings read ``"<cell> line <n>: <what>"``: the cell is its grade id, or ``cell <k>`` (its
1-based position in the submission) when it has none.
"""

from __future__ import annotations

import copy

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.grade.integrity import grade_id
from autograder.grade.scan import module_aliases, scan_notebook, scan_source

SETUP = """import matplotlib.pyplot as plt
import numpy as np
import torch
from course.notebook import sizes, without_reference

rng = np.random.default_rng(0)"""
TEST_A = "assert a() == 1\nnp.testing.assert_allclose(a(), 1)"
DEMO = "import gc\nprint(len(gc.get_objects()))  # a release demo, not the learner's"


def meta(gid: str, kind: str) -> dict:
    return {
        "nbgrader": {
            "grade": kind == "test",
            "grade_id": gid,
            "locked": kind != "answer",
            "schema_version": 3,
            "solution": kind == "answer",
            **({"points": 1} if kind == "test" else {}),
        }
    }


def release():
    return new_notebook(
        cells=[
            new_markdown_cell("# A lesson"),
            new_code_cell(SETUP, id="setup", metadata=meta("setup", "setup")),
            new_code_cell(DEMO),
            new_code_cell(
                "def a():\n    raise NotImplementedError()",
                id="ex_a",
                metadata=meta("ex_a", "answer"),
            ),
            new_code_cell(TEST_A, id="test_a", metadata=meta("test_a", "test")),
        ]
    )


def submission(answer: str | None = None, rel=None):
    """The release with ``answer`` as ex_a (the release's stub when None)."""
    nb = copy.deepcopy(rel or release())
    if answer is not None:
        cell(nb, "ex_a").source = answer
    return nb


def cell(nb, gid: str):
    return next(c for c in nb.cells if grade_id(c) == gid)


def findings_for(answer: str) -> list[str]:
    rel = release()
    return scan_notebook(submission(answer, rel), rel)


# One case per family the scan claims: (learner's ex_a source, a finding it must give).
FLAGGED = [
    # assignments to / deletions of attributes of the modules the tests rely on
    ("np.allclose = lambda *a, **k: True", "line 1: assigns np.allclose"),
    ("numpy.testing.assert_allclose = print", "line 1: assigns numpy.testing.assert_allclose"),
    ("torch.allclose = lambda *a, **k: True", "line 1: assigns torch.allclose"),
    ("course.testing.assert_close = print", "line 1: assigns course.testing.assert_close"),
    ("testing.assert_close = print", "line 1: assigns testing.assert_close"),
    ("builtins.len = lambda x: 0", "line 1: assigns builtins.len"),
    ("math.isclose = max", "line 1: assigns math.isclose"),
    ("F.relu = abs", "line 1: assigns F.relu"),
    ("functools.reduce = print", "line 1: assigns functools.reduce"),
    ("unittest.TestCase.assertEqual = print", "line 1: assigns unittest.TestCase.assertEqual"),
    ("IPython.display = print", "line 1: assigns IPython.display"),
    ("x = 1\nsys.modules['numpy'] = object()", "line 2: assigns sys.modules['numpy']"),
    ("del np.testing", "line 1: assigns np.testing"),
    ("np.e += 1", "line 1: assigns np.e"),
    ("np.pi: float = 3.0", "line 1: assigns np.pi"),
    ("a, np.allclose = 1, print", "line 1: assigns np.allclose"),
    ("def a():\n    np.allclose = print\n    return 1", "line 2: assigns np.allclose"),
    # names the setup cell imports (its aliases) are protected like the modules
    ("without_reference.__wrapped__ = print", "line 1: assigns without_reference.__wrapped__"),
    ("sizes.cache = {}", "line 1: assigns sizes.cache"),
    # setattr / delattr / vars on them
    ("setattr(np, 'allclose', print)", "line 1: setattr on np"),
    ("delattr(torch.testing, 'assert_close')", "line 1: delattr on torch.testing"),
    ("vars(np)['allclose'] = print", "line 1: vars(np)"),
    # a function's code, dict or globals
    ("def a():\n    return 1\na.__code__ = (lambda: 2).__code__", "line 3: assigns a.__code__"),
    ("c = np.allclose.__code__", "line 1: uses np.allclose.__code__"),
    ("setattr(np.allclose, '__code__', print.__code__)", "line 1: setattr on np.allclose"),
    ("a.__dict__['x'] = 1", "line 1: assigns a.__dict__"),
    ("d = np.__dict__", "line 1: uses np.__dict__"),
    ("g = np.allclose.__globals__", "line 1: uses np.allclose.__globals__"),
    # tools that reach around Python's names
    ("__builtins__.len = print", "line 1: uses __builtins__"),
    ("numpy = __import__('numpy')", "line 1: uses __import__"),
    ("exec('x = 1')", "line 1: runs generated code (exec)"),
    ("code = compile('1', '<x>', 'eval')", "line 1: compiles generated code"),
    ("shell = get_ipython()", "line 1: reaches into the kernel (get_ipython)"),
    ("import ctypes", "line 1: imports ctypes"),
    ("from ctypes import pythonapi", "line 1: imports ctypes"),
    ("import cffi", "line 1: imports cffi"),
    ("import importlib.util", "line 1: imports importlib.util"),
    ("import builtins", "line 1: imports builtins"),
    ("import gc", "line 1: imports gc"),
    ("objects = gc.get_objects()", "line 1: uses gc.get_objects"),
    ("holders = gc.get_referrers(np.allclose)", "line 1: uses gc.get_referrers"),
    ("from inspect import currentframe", "line 1: imports inspect"),
    ("frame = inspect.currentframe()", "line 1: uses inspect.currentframe"),
    ("frame = sys._getframe(1)", "line 1: uses sys._getframe"),
    ("sys.settrace(print)", "line 1: uses sys.settrace"),
    ("sys.setprofile(print)", "line 1: uses sys.setprofile"),
    ("threading.settrace(print)", "line 1: uses threading.settrace"),
    # a line magic is skipped, the rest of the cell is still read
    ("%matplotlib inline\nnp.allclose = print", "line 2: assigns np.allclose"),
]


@pytest.mark.parametrize(("answer", "finding"), FLAGGED, ids=[a for a, _ in FLAGGED])
def test_each_family_is_flagged_with_cell_and_line(answer, finding):
    found = findings_for(answer)
    assert f"ex_a {finding}" in found, f"{answer!r} should give 'ex_a {finding}', got {found}"


NOT_FLAGGED = {
    "numpy math": "x = np.arange(6.0).reshape(2, 3)\ntotal = x.sum()\nz = np.mean(x, axis=0)",
    "torch math": "t = torch.zeros(3)\nt.add_(1)\nt[0] = 5.0\ny = torch.nn.functional.relu(t)",
    "names like the modules' attributes": (
        "allclose = np.allclose\nmodules = {}\nmodules['numpy'] = 1\nsettrace = None\n"
        "testing = False\nsum_ = x.sum() if (x := np.ones(2)) is not None else 0"
    ),
    "a local def": "def allclose(a, b):\n    return abs(a - b) < 1e-6\n\n\ndef a():\n    return 1",
    "items and attributes of local objects": (
        "out = np.zeros(3)\nout[0] = 1\nout[...] = 2\nout.shape = (3, 1)\n"
        "class Layer:\n    def __init__(self):\n        self.weight = np.ones(2)"
    ),
    "strings and comments": (
        "# exec and compile and np.allclose = print would be cheating\n"
        "note = 'np.allclose = lambda *a: True; exec(code); import ctypes'\n"
        '"""sys.modules["numpy"] = None"""'
    ),
    "plot settings and the generator": (
        "plt.rcParams['figure.dpi'] = 120\nplt.title = 'x'\nrng = np.random.default_rng(1)"
    ),
    "plain imports": "import math\nimport itertools\nfrom collections import Counter",
    "magics and shell lines": "%matplotlib inline\n!ls\n%time x = np.ones(3).sum()",
    "an attribute of an unknown name": "other.allclose = print\nsetattr(other, 'x', 1)",
}


@pytest.mark.parametrize("answer", NOT_FLAGGED.values(), ids=NOT_FLAGGED.keys())
def test_ordinary_learner_code_is_not_flagged(answer):
    found = findings_for(answer)
    assert found == [], f"ordinary code was flagged: {found}"


def test_an_untouched_release_is_not_flagged():
    rel = release()
    found = scan_notebook(submission(None, rel), rel)
    assert found == [], f"the release itself was flagged (its demo imports gc): {found}"


@pytest.mark.parametrize("gid", ["setup", "test_a"])
def test_locked_cells_are_not_scanned_even_when_edited(gid):
    """The grader runs the source's locked cells, not the learner's edit of them."""
    rel = release()
    nb = submission("def a():\n    return 1", rel)
    cell(nb, gid).source = "import gc\nnp.allclose = print"
    found = scan_notebook(nb, rel)
    assert found == [], f"an edited locked cell ({gid}) was scanned as learner code: {found}"


def test_a_changed_release_cell_is_the_learners_and_named_by_position():
    rel = release()
    nb = submission("def a():\n    return 1", rel)
    demo = next(c for c in nb.cells if c.source == DEMO)
    demo.source = DEMO + "\nnp.allclose = print"
    nb.cells.insert(0, new_markdown_cell("my notes"))  # the demo is now the 4th cell
    found = scan_notebook(nb, rel)
    assert found == [
        "cell 4 line 1: imports gc",
        "cell 4 line 2: uses gc.get_objects",
        "cell 4 line 3: assigns np.allclose",
    ], f"the changed demo cell is not scanned and named by position: {found}"


def test_new_cells_and_answers_are_named_and_in_line_order():
    rel = release()
    nb = submission("def a():\n    return 1\n" + "\n" * 8 + "exec('1')\nimport gc", rel)
    nb.cells.append(new_code_cell("x = 1\nsetattr(torch, 'allclose', print)"))
    nb.cells.append(new_markdown_cell("exec('np.allclose = print')"))  # markdown never runs
    found = scan_notebook(nb, rel)
    assert found == [
        "ex_a line 11: runs generated code (exec)",
        "ex_a line 12: imports gc",
        "cell 6 line 2: setattr on torch",
    ], f"findings not named by cell, in line order: {found}"


def test_scan_source_gives_sorted_unique_findings_by_line():
    code = "\n" * 9 + "import gc\nexec(exec)\nnp.allclose = print"
    assert scan_source(code) == [
        "line 10: imports gc",
        "line 11: runs generated code (exec)",
        "line 12: assigns np.allclose",
    ], "findings are not one per (line, what), in numeric line order"


def test_scan_source_aliases_protect_extra_names():
    assert scan_source("xp.allclose = print") == [], "xp is no protected name by itself"
    assert scan_source("xp.allclose = print", {"xp"}) == ["line 1: assigns xp.allclose"], (
        "a name passed as an alias is not protected"
    )


def test_a_cell_that_does_not_parse_gives_no_finding():
    assert scan_source("def a(:\n    np.allclose = print") == [], "a syntax error is no finding"


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("import numpy as xp", {"xp"}),
        ("import torch.nn.functional as F", {"F"}),
        ("import os.path", {"os"}),
        ("from course.notebook import sizes as s, quick", {"s", "quick"}),
        ("%matplotlib inline\nimport numpy as np", {"np"}),
        ("import (", set()),
    ],
)
def test_module_aliases(source, names):
    assert module_aliases(source) == names, f"names bound by {source!r} should be {names}"


def test_a_learners_own_alias_of_a_protected_module_is_flagged():
    found = findings_for("import numpy as xp\nxp.allclose = lambda *a, **k: True")
    assert "ex_a line 2: assigns xp.allclose" in found, found


@pytest.mark.xfail(
    strict=True,
    reason="a copy of a locked cell (same grade_id) is skipped by the scan, but restore keeps "
    "it as plain code that runs",
)
def test_a_duplicate_of_a_locked_cell_is_scanned():
    rel = release()
    nb = submission("def a():\n    return 1", rel)
    copy_of_test = copy.deepcopy(cell(nb, "test_a"))
    copy_of_test.source = "import gc\nnp.allclose = print"
    copy_of_test.id = "my-copy"
    nb.cells.append(copy_of_test)
    found = scan_notebook(nb, rel)
    assert "test_a line 2: assigns np.allclose" in found, found


@pytest.mark.xfail(
    strict=True,
    reason="a line magic is blanked before parsing, so the statement `%time` runs is not read",
)
def test_a_statement_run_by_a_line_magic_is_scanned():
    found = findings_for("%time np.allclose = lambda *a, **k: True")
    assert "ex_a line 1: assigns np.allclose" in found, found


@pytest.mark.xfail(
    strict=True,
    reason="IPython-only syntax other than a leading %/! line (`files = !ls`, `np?`) makes "
    "ast.parse fail, and the whole cell gives no finding",
)
def test_ipython_syntax_does_not_hide_the_rest_of_the_cell():
    found = findings_for("files = !ls\nnp.allclose = lambda *a, **k: True")
    assert "ex_a line 2: assigns np.allclose" in found, found
