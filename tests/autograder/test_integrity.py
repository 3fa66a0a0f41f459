"""Rebuilding a submission around the release's locked cells (`autograder.grade.integrity`).

Small in-memory lessons, no nbgrader and no kernel: the source (solutions, hidden tests), the
release nbgrader makes of it (stubs, visible tests) and a learner's copy of the release.
"""

from __future__ import annotations

import copy

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.grade.integrity import grade_id, is_serious, restore

STUB = "    # YOUR CODE HERE\n    raise NotImplementedError()"
HIDDEN = "### BEGIN HIDDEN TESTS\n{}\n### END HIDDEN TESTS"
SOLUTION = "def {}():\n    ### BEGIN SOLUTION\n    return {}\n    ### END SOLUTION"
# Each graded cell, by grade id: (kind, points, its text in the source notebook).
GRADED = {
    "setup": ("setup", None, "import numpy as np\nfrom course.notebook import sizes"),
    "ex_a": ("answer", None, SOLUTION.format("a", 1)),
    "test_a": ("test", 1, "assert a() == 1\n" + HIDDEN.format("assert a() + a() == 2")),
    "ex_b": ("answer", None, SOLUTION.format("b", 2)),
    "test_b": ("test", 2, "assert b() == 2\n" + HIDDEN.format("assert b() * b() == 4")),
}
DEMO = "print('a demo the learner may run')"
# The lesson, in order: graded cells by id, plain cells as ("md" | "code", text).
LESSON = [
    ("md", "# A lesson"),
    "setup",
    ("md", "### Exercise a"),
    "ex_a",
    "test_a",
    ("code", DEMO),
    ("md", "### Exercise b"),
    "ex_b",
    "test_b",
]
ANSWERS = {"ex_a": "def a():\n    return 1", "ex_b": "def b():\n    return 1 + 1"}
LOCKED = ["setup", "test_a", "test_b"]


def nbgrader_meta(gid: str, *, release: bool) -> dict:
    kind, points, _ = GRADED[gid]
    meta = {
        "grade": kind == "test",
        "grade_id": gid,
        "locked": kind != "answer",
        "schema_version": 3,
        "solution": kind == "answer",
    }
    if points is not None:
        meta["points"] = points
    if release:
        meta |= {"cell_type": "code", "checksum": f"checksum-of-{gid}"}
    return meta


def release_text(gid: str) -> str:
    kind, _, text = GRADED[gid]
    if kind == "answer":
        return text.split("\n")[0] + "\n" + STUB
    if kind == "test":
        return text.split("### BEGIN HIDDEN")[0].rstrip()
    return text


def lesson(*, release: bool):
    cells = []
    for item in LESSON:
        if isinstance(item, tuple):
            kind, text = item
            cells.append(new_markdown_cell(text) if kind == "md" else new_code_cell(text))
            continue
        text = release_text(item) if release else GRADED[item][2]
        meta = {"nbgrader": nbgrader_meta(item, release=release)}
        cells.append(new_code_cell(text, id=item, metadata=meta))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def trio(answers: dict[str, str] | None = None):
    """(submitted, release, source): the learner's copy of the release with ``answers``."""
    release, source = lesson(release=True), lesson(release=False)
    submitted = copy.deepcopy(release)
    for cell in submitted.cells:
        cell.source = (ANSWERS if answers is None else answers).get(grade_id(cell), cell.source)
    return submitted, release, source


def cell_of(nb, gid: str):
    found = [c for c in nb.cells if grade_id(c) == gid]
    assert len(found) == 1, f"expected one {gid} cell, found {len(found)}"
    return found[0]


def index_of(nb, gid: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if grade_id(c) == gid)


def layout(nb) -> list[str]:
    """Each cell as its grade id, or as its text when it has none."""
    return [grade_id(c) or c.source for c in nb.cells]


def code_layout(nb) -> list[str]:
    return [grade_id(c) or c.source for c in nb.cells if c.cell_type == "code"]


def graded_layout(nb) -> list[str]:
    return [grade_id(c) for c in nb.cells if grade_id(c)]


def check_valid(nb) -> None:
    nbformat.validate(nb)
    ids = [c.id for c in nb.cells]
    assert len(set(ids)) == len(ids), f"cell ids repeat in the restored notebook: {ids}"


def test_clean_submission_is_the_source_tests_around_the_learners_answers():
    submitted, release, source = trio()
    submitted.metadata["kernelspec"]["display_name"] = "my own kernel"
    nb, issues = restore(submitted, release, source)
    assert issues == [], f"a clean submission reported issues: {issues}"
    check_valid(nb)
    assert code_layout(nb) == code_layout(source), "code cells not in the source's order"
    assert sorted(c.source for c in nb.cells if c.cell_type == "markdown") == sorted(
        c.source for c in source.cells if c.cell_type == "markdown"
    ), "markdown cells lost or added"
    for gid in LOCKED:
        restored, original = cell_of(nb, gid), cell_of(source, gid)
        assert restored.source == original.source, f"{gid} is not the source's cell"
        assert restored.metadata == original.metadata, f"{gid} lost the source's metadata"
    assert "BEGIN HIDDEN TESTS" in cell_of(nb, "test_a").source, "hidden tests not restored"
    for gid, answer in ANSWERS.items():
        assert cell_of(nb, gid).source == answer, f"the learner's {gid} answer was not kept"
        assert (
            cell_of(nb, gid).metadata["nbgrader"] == cell_of(release, gid).metadata["nbgrader"]
        ), f"{gid} does not carry the release's nbgrader metadata"
    plain = [c for c in nb.cells if not grade_id(c)]
    assert all("nbgrader" not in c.metadata for c in plain), "a plain cell has nbgrader metadata"
    assert nb.metadata["kernelspec"]["display_name"] == "Python 3", "notebook metadata not source's"


def test_restore_leaves_its_inputs_alone():
    submitted, release, source = trio()
    submitted.cells.insert(3, new_code_cell("x = 1", metadata={"nbgrader": {"grade": True}}))
    cell_of(submitted, "test_a").source = "pass"
    before = [nbformat.writes(nb) for nb in (submitted, release, source)]
    restore(submitted, release, source)
    after = [nbformat.writes(nb) for nb in (submitted, release, source)]
    for name, b, a in zip(("submitted", "release", "source"), before, after):
        assert a == b, f"restore changed the {name} notebook (the scan reads it afterwards)"


@pytest.mark.parametrize("gid", LOCKED)
def test_edited_locked_cell_is_restored_and_reported(gid):
    submitted, release, source = trio()
    cell_of(submitted, gid).source = "pass  # the learner's version"
    nb, issues = restore(submitted, release, source)
    assert issues == [f"{gid}: edited"], f"edit of {gid} not reported as such: {issues}"
    assert all(is_serious(i) for i in issues), f"an edited {gid} should be serious: {issues}"
    assert cell_of(nb, gid).source == cell_of(source, gid).source, f"{gid} not restored"
    assert layout(nb).count(gid) == 1, f"{gid} appears more than once: {layout(nb)}"
    assert "pass  # the learner's version" not in layout(nb), "the learner's edit still runs"


def test_whitespace_at_line_ends_and_around_a_cell_is_no_edit():
    submitted, release, source = trio()
    test_a = cell_of(submitted, "test_a")
    test_a.source = "\n" + test_a.source.replace("\n", "   \n") + "  \n\n"
    nb, issues = restore(submitted, release, source)
    assert issues == [], f"trailing whitespace was reported as an edit: {issues}"


@pytest.mark.parametrize(
    ("change", "issue"),
    [
        (lambda meta: meta.update(points=50), "test_b: points edited (2 -> 50)"),
        (lambda meta: meta.update(points=0), "test_b: points edited (2 -> 0)"),
        (lambda meta: meta.pop("points"), "test_b: points edited (2 -> None)"),
    ],
    ids=["raised", "zeroed", "removed"],
)
def test_edited_points_are_reported_and_the_sources_points_kept(change, issue):
    submitted, release, source = trio()
    change(cell_of(submitted, "test_b").metadata["nbgrader"])
    nb, issues = restore(submitted, release, source)
    assert issues == [issue], f"points change not reported as {issue!r}: {issues}"
    assert is_serious(issue), "edited points should be serious"
    assert cell_of(nb, "test_b").metadata["nbgrader"]["points"] == 2, "points not restored"


def test_deleted_test_cell_is_restored_in_place_and_reported():
    submitted, release, source = trio()
    submitted.cells = [c for c in submitted.cells if grade_id(c) != "test_a"]
    nb, issues = restore(submitted, release, source)
    assert issues == ["test_a: deleted"], f"deletion not reported: {issues}"
    assert is_serious(issues[0]), "a deleted test should be serious"
    assert graded_layout(nb) == graded_layout(source), "the deleted test is not back in place"
    # The demo cell followed test_a; with test_a gone it followed ex_a, and still does.
    got = code_layout(nb)
    assert got[got.index("ex_a") + 1 : got.index("test_a")] == [DEMO], f"demo moved: {got}"
    assert cell_of(nb, "test_a").source == cell_of(source, "test_a").source, "not the source's"
    check_valid(nb)


def test_reordered_cells_are_put_back_in_the_sources_order():
    submitted, release, source = trio()
    test_a = submitted.cells.pop(index_of(submitted, "test_a"))
    submitted.cells.insert(index_of(submitted, "ex_b") + 1, test_a)  # test_a now after ex_b
    nb, issues = restore(submitted, release, source)
    assert issues == ["cells reordered (ex_b, test_a)"], f"reorder not reported: {issues}"
    assert is_serious(issues[0]), "a reorder should be serious"
    assert graded_layout(nb) == graded_layout(source), "graded cells not in the source's order"


def test_test_cell_turned_markdown_is_restored_as_code_and_reported():
    submitted, release, source = trio()
    cell = cell_of(submitted, "test_a")
    cell.cell_type = "markdown"
    cell.pop("outputs")
    cell.pop("execution_count")
    nb, issues = restore(submitted, release, source)
    assert issues == ["test_a: turned into markdown"], f"type change not reported: {issues}"
    assert is_serious(issues[0]), "a test turned markdown should be serious"
    restored = cell_of(nb, "test_a")
    assert restored.cell_type == "code", "test_a was not restored as a code cell"
    assert restored.source == cell_of(source, "test_a").source, "test_a not the source's"
    check_valid(nb)


def test_deleted_answer_cell_becomes_the_release_stub():
    submitted, release, source = trio()
    submitted.cells = [c for c in submitted.cells if grade_id(c) != "ex_b"]
    nb, issues = restore(submitted, release, source)
    assert issues == ["ex_b: answer cell missing (graded as the empty stub)"], issues
    assert not is_serious(issues[0]), "a missing answer is a note, not a flag"
    stub = cell_of(nb, "ex_b")
    assert "raise NotImplementedError()" in stub.source, f"not the stub: {stub.source!r}"
    assert "return 2" not in stub.source, "the source's solution leaked into the graded cell"
    assert stub.metadata["nbgrader"] == cell_of(release, "ex_b").metadata["nbgrader"], (
        "the stub lost the release's nbgrader metadata"
    )
    assert code_layout(nb) == code_layout(source), "the stub is not where ex_b was"
    check_valid(nb)


def test_answer_cells_get_the_release_metadata_back():
    submitted, release, source = trio()
    meta = cell_of(submitted, "ex_a").metadata["nbgrader"]
    meta.update(grade=True, points=100, solution=False, locked=True)
    nb, issues = restore(submitted, release, source)
    assert cell_of(nb, "ex_a").metadata["nbgrader"] == nbgrader_meta("ex_a", release=True), (
        "an answer cell kept the points/grade the learner gave it"
    )
    assert cell_of(nb, "ex_a").source == ANSWERS["ex_a"], "the learner's answer was not kept"


def test_extra_cells_follow_the_cell_they_followed_without_metadata():
    submitted, release, source = trio()
    after_ex_a = [
        new_code_cell("helper = 41 + 1", id="mine-1"),
        new_markdown_cell("my notes", id="mine-2"),
    ]
    at = index_of(submitted, "ex_a") + 1
    submitted.cells[at:at] = after_ex_a
    submitted.cells.append(new_code_cell("print('the end')", id="mine-3"))
    nb, issues = restore(submitted, release, source)
    assert issues == [], f"extra plain cells should raise no issue: {issues}"
    got = layout(nb)
    at = got.index("ex_a")
    assert got[at + 1 : at + 3] == ["helper = 41 + 1", "my notes"], f"extra cells moved: {got}"
    assert got[at + 3] == "test_a", f"test_a no longer follows the learner's cells: {got}"
    assert got[-1] == "print('the end')", f"the learner's last cell is not last: {got}"
    check_valid(nb)


@pytest.mark.parametrize(
    ("meta", "issue"),
    [
        (
            {"grade": True, "grade_id": "test_bonus", "locked": True, "points": 100},
            "test_bonus: unknown graded cell (graded as plain code)",
        ),
        ({"grade": True, "points": 100}, None),  # graded, but no id to go by
        (
            {"grade": True, "grade_id": "test_a", "locked": True, "points": 1},
            "test_a: duplicate cell (graded as plain code)",
        ),
    ],
    ids=["unknown-id", "no-id", "duplicate-id"],
)
def test_a_cell_posing_as_graded_is_kept_as_plain_code(meta, issue):
    submitted, release, source = trio()
    poser = new_code_cell("assert True", metadata={"nbgrader": {"schema_version": 3, **meta}})
    submitted.cells.insert(index_of(submitted, "ex_b") + 1, poser)
    nb, issues = restore(submitted, release, source)
    assert issues == ([issue] if issue else []), f"unexpected issues: {issues}"
    assert all(is_serious(i) for i in issues), f"a posing cell should be serious: {issues}"
    got = layout(nb)
    assert got[got.index("ex_b") + 1] == "assert True", f"the cell left its place: {got}"
    kept = nb.cells[got.index("ex_b") + 1]
    assert "nbgrader" not in kept.metadata, "the posing cell kept its nbgrader metadata"
    graded = [grade_id(c) for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert graded == ["test_a", "test_b"], f"graded cells are not just the tests: {graded}"
    check_valid(nb)


@pytest.mark.parametrize("setup_kept", [True, False], ids=["setup-kept", "setup-deleted"])
def test_learner_code_above_the_setup_cell_moves_below_it(setup_kept):
    submitted, release, source = trio()
    submitted.cells.insert(0, new_code_cell("import gc  # before the guard", id="early"))
    if not setup_kept:
        submitted.cells = [c for c in submitted.cells if grade_id(c) != "setup"]
    nb, issues = restore(submitted, release, source)
    assert issues == ([] if setup_kept else ["setup: deleted"]), f"issues: {issues}"
    codes = code_layout(nb)
    assert codes[0] == "setup", f"a learner's cell runs before the setup cell: {codes}"
    assert codes[1] == "import gc  # before the guard", f"the early cell is lost: {codes}"
    assert codes[2:] == code_layout(source)[1:], f"the rest of the lesson moved: {codes}"
    assert cell_of(nb, "setup").source == cell_of(source, "setup").source, "setup not restored"
    check_valid(nb)


def test_several_changes_are_all_reported_and_split_by_seriousness():
    submitted, release, source = trio()
    cell_of(submitted, "test_a").source = "pass"
    cell_of(submitted, "test_b").metadata["nbgrader"]["points"] = 9
    submitted.cells = [c for c in submitted.cells if grade_id(c) != "ex_a"]
    nb, issues = restore(submitted, release, source)
    serious = sorted(i for i in issues if is_serious(i))
    notes = [i for i in issues if not is_serious(i)]
    assert serious == ["test_a: edited", "test_b: points edited (2 -> 9)"], serious
    assert notes == ["ex_a: answer cell missing (graded as the empty stub)"], notes
    check_valid(nb)


@pytest.mark.parametrize(
    ("issue", "serious"),
    [
        ("test_a: edited", True),
        ("test_a: deleted", True),
        ("test_a: turned into markdown", True),
        ("test_a: points edited (2 -> 5)", True),
        ("cells reordered (ex_b, test_a)", True),
        ("test_x: unknown graded cell (graded as plain code)", True),
        ("test_a: duplicate cell (graded as plain code)", True),
        ("ex_a: answer cell missing (graded as the empty stub)", False),
    ],
)
def test_is_serious(issue, serious):
    assert is_serious(issue) is serious, f"is_serious({issue!r}) should be {serious}"


@pytest.mark.parametrize(
    ("cell", "gid"),
    [
        (new_code_cell("x", metadata={"nbgrader": {"grade_id": "test_a"}}), "test_a"),
        (new_markdown_cell("x", metadata={"nbgrader": {"grade_id": "md_a"}}), "md_a"),
        (new_code_cell("x"), ""),
        (new_code_cell("x", metadata={"nbgrader": {"grade": True}}), ""),
        (new_code_cell("x", metadata={"nbgrader": {"grade_id": None}}), ""),
        ({"cell_type": "code", "source": "x"}, ""),  # no metadata at all
    ],
    ids=["code", "markdown", "no-metadata", "no-grade-id", "grade-id-none", "bare-dict"],
)
def test_grade_id(cell, gid):
    assert grade_id(cell) == gid, f"grade_id should be {gid!r} for {cell!r}"


def test_graded_cells_are_found_by_their_grade_id_as_cell_id():
    submitted, release, source = trio()
    for cell in submitted.cells:
        cell.pop("id", None)
    submitted.nbformat_minor = 4
    nb, _ = restore(submitted, release, source)
    ids = {grade_id(c): c.id for c in nb.cells if grade_id(c)}
    assert all(gid == cid for gid, cid in ids.items()), f"cell ids are not grade ids: {ids}"


def test_the_grader_can_skip_a_hung_answer_in_a_notebook_without_cell_ids():
    """A test that hung is graded again with its answer cell stubbed: found by its grade_id."""
    from autograder.grade.worker import STUB, _skip

    submitted, release, source = trio()
    for cell in submitted.cells:
        cell.pop("id", None)
    submitted.nbformat_minor = 4
    nb, _ = restore(submitted, release, source)
    notes: list[str] = []
    _skip(nb, "test_a", "ran past the time limit", notes)
    assert cell_of(nb, "ex_a").source == STUB, "the hung test's answer cell was not stubbed"
    assert notes == ["ex_a: ran past the time limit; graded with that cell skipped"], notes
