"""Outputs that show hidden tests or solutions (`autograder.grade.scrub`), and the static scan's
flags on reads of the kernel's history. Small in-memory notebooks, no kernel."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from autograder.grade.scan import scan_source
from autograder.grade.scrub import NOTE, leaks, scrub, secret_lines

HIDDEN_LINE = "assert standardize(np.ones((3, 2))).shape == (3, 2)"
SOLUTION_LINE = "return (X - X.mean(axis=axis, keepdims=True)) / np.sqrt(var + eps)"


def graded(source: str, **meta) -> nbformat.NotebookNode:
    return new_code_cell(source, metadata={"nbgrader": {"grade_id": "x", **meta}})


SOURCE = new_notebook(
    cells=[
        graded("import numpy as np\nfrom course.testing import assert_close", locked=True),
        graded(f"def standardize(X, axis=0, eps=1e-5):\n    {SOLUTION_LINE}", solution=True),
        graded(
            "assert_close(standardize(X), expected_standardized_values)\n"
            f"### BEGIN HIDDEN TESTS\n{HIDDEN_LINE}\nx = 1\n### END HIDDEN TESTS",
            grade=True,
        ),
    ]
)
RELEASE = new_notebook(
    cells=[
        graded("import numpy as np\nfrom course.testing import assert_close", locked=True),
        graded("def standardize(X, axis=0, eps=1e-5):\n    raise NotImplementedError()"),
        graded("assert_close(standardize(X), expected_standardized_values)", grade=True),
    ]
)


def test_secret_lines_are_long_unseen_lines_of_answers_and_tests():
    secrets = secret_lines(SOURCE, RELEASE, RELEASE)
    assert HIDDEN_LINE in secrets and SOLUTION_LINE in secrets
    assert "x = 1" not in secrets, "a short line is no secret"
    assert "import numpy as np" not in secrets, "the release shows it"
    assert "assert_close(standardize(X), expected_standardized_values)" not in secrets


def test_a_line_the_learner_wrote_is_not_their_secret():
    learner = new_notebook(cells=[new_code_cell(f"def f(X, axis, eps, var):\n    {SOLUTION_LINE}")])
    assert SOLUTION_LINE not in secret_lines(SOURCE, RELEASE, learner)


@pytest.mark.parametrize(
    "output",
    [
        new_output("stream", name="stdout", text=f"{HIDDEN_LINE}\n"),
        new_output("stream", name="stdout", text=repr(["x = 1\n    " + HIDDEN_LINE + "\n"])),
        new_output(
            "execute_result",
            data={"text/html": f"<pre>{HIDDEN_LINE}</pre>".replace("(", "&#40;")},
            execution_count=1,
        ),
        new_output("error", ename="E", evalue="", traceback=[f"\x1b[0;31m{SOLUTION_LINE}\x1b[0m"]),
    ],
    ids=["stream", "repr", "html", "traceback"],
)
def test_outputs_that_show_a_secret_are_found(output):
    assert leaks(output, secret_lines(SOURCE, RELEASE, RELEASE))


def test_scrub_replaces_only_the_leaking_outputs():
    nb = new_notebook(
        cells=[
            new_code_cell(
                "print(In)",
                id="leaky",
                outputs=[
                    new_output("stream", name="stdout", text="fine\n"),
                    new_output("stream", name="stdout", text=HIDDEN_LINE),
                ],
            ),
            new_code_cell("print(1)", id="honest", outputs=[new_output("stream", text="1\n")]),
        ]
    )
    assert scrub(nb, secret_lines(SOURCE, RELEASE, RELEASE)) == ["leaky"]
    assert [o.text for o in nb.cells[0].outputs] == ["fine\n", NOTE]
    assert nb.cells[1].outputs[0].text == "1\n"


@pytest.mark.parametrize(
    "source",
    [
        'print([s for s in In if "HIDDEN" in s])',
        "print(_ih[-2])",
        "print(Out)",
        "x = _i3",
        "x = _ii",
        "y = _5",
        "get_ipython().history_manager.input_hist_raw",
        "import linecache",
        'globals()["_ih"]',
        "print(sh.history_manager)",
    ],
)
def test_reads_of_the_kernel_history_are_flagged(source):
    assert any("history" in f or "linecache" in f for f in scan_source(source)), source


@pytest.mark.parametrize(
    "source",
    [
        "for _i in range(3):\n    print(_i)",
        "def f(_i):\n    return _i",
        "In, Out = 3, 4\nprint(In + Out)",
        "total = sum(_ for _ in range(3))",
    ],
)
def test_names_the_cell_binds_itself_are_its_own(source):
    assert scan_source(source) == [], source
