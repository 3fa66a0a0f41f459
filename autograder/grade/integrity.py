"""Rebuild a submission around the release's locked cells, and say what the learner changed.

nbgrader finds graded cells by ``grade_id`` wherever they sit. `restore` goes further: every
locked cell (setup and tests) comes from the source, in the source's order; each answer cell
is the learner's (the release stub when it was deleted); the learner's other cells follow the
locked or answer cell they followed in the submission, without nbgrader metadata (so no cell
can pose as a graded one). Each edit, deletion, reorder, type change or points change of a
locked cell is reported: the grade then rests on the restored tests, and the submission is
flagged for review.
"""

from __future__ import annotations

import copy

import nbformat


def grade_id(cell) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "") or ""


def _norm(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def _locked(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("locked")) and not meta.get("solution")


def restore(submitted, release, source) -> tuple[nbformat.NotebookNode, list[str]]:
    """The notebook to grade, and the changes to locked cells ("test_x: edited", ...)."""
    anchors = [grade_id(c) for c in release.cells if grade_id(c)]
    by_id_release = {grade_id(c): c for c in release.cells if grade_id(c)}
    by_id_source = {grade_id(c): c for c in source.cells if grade_id(c)}
    issues: list[str] = []

    learner: dict[str, object] = {}
    following: dict[str, list] = {"": []}
    current = ""
    seen_order: list[str] = []
    for cell in submitted.cells:
        gid = grade_id(cell)
        if gid in by_id_release and gid not in learner:
            learner[gid] = cell
            seen_order.append(gid)
            current = gid
            following.setdefault(gid, [])
            continue
        if gid and gid not in by_id_release:
            issues.append(f"{gid}: unknown graded cell (graded as plain code)")
        elif gid:
            issues.append(f"{gid}: duplicate cell (graded as plain code)")
        following.setdefault(current, []).append(_plain(cell))

    for gid in anchors:
        rel = by_id_release[gid]
        if not _locked(rel):
            continue
        cell = learner.get(gid)
        if cell is None:
            issues.append(f"{gid}: deleted")
            continue
        if cell.cell_type != rel.cell_type:
            issues.append(f"{gid}: turned into {cell.cell_type}")
        elif _norm(cell.source) != _norm(rel.source):
            issues.append(f"{gid}: edited")
        points = cell.get("metadata", {}).get("nbgrader", {}).get("points")
        if points != rel.metadata["nbgrader"].get("points"):
            issues.append(
                f"{gid}: points edited ({rel.metadata['nbgrader'].get('points')} -> {points})"
            )
    expected = [gid for gid in anchors if gid in learner]
    if seen_order != expected:
        moved = [a for a, b in zip(seen_order, expected) if a != b]
        issues.append(f"cells reordered ({', '.join(moved[:4])})")

    cells = []
    # Learner code before the setup cell would run before the grader's guard: move it after.
    leading = following.pop("", [])
    for gid in anchors:
        if _locked(by_id_release[gid]):
            cells.append(copy.deepcopy(by_id_source.get(gid, by_id_release[gid])))
        else:
            cell = learner.get(gid) or by_id_release[gid]
            cell = copy.deepcopy(cell)
            cell.cell_type = by_id_release[gid].cell_type
            cell.metadata["nbgrader"] = copy.deepcopy(by_id_release[gid].metadata["nbgrader"])
            cells.append(cell)
            if gid not in learner:
                issues_note = f"{gid}: answer cell missing (graded as the empty stub)"
                issues.append(issues_note)
        if gid == anchors[0]:
            cells.extend(leading)
        cells.extend(following.get(gid, []))
    nb = copy.deepcopy(source)
    nb.cells = _with_ids(cells)
    return nb, issues


def _plain(cell):
    cell = copy.deepcopy(cell)
    cell.get("metadata", {}).pop("nbgrader", None)
    return cell


def _with_ids(cells: list) -> list:
    """Unique cell ids: a graded cell's is its grade_id (the grader finds cells by it, e.g. to
    skip one that hung); any other keeps its own unless taken, else gets ``cell-N``."""
    graded = {grade_id(c) for c in cells if grade_id(c)}
    seen: set[str] = set()
    for index, cell in enumerate(cells):
        if cell.cell_type == "code":
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count", None)
        wanted = grade_id(cell) or cell.get("id") or ""
        if not wanted or wanted in seen or (not grade_id(cell) and wanted in graded):
            wanted = f"cell-{index}"
            while wanted in seen or wanted in graded:
                wanted += "-"
        cell["id"] = wanted
        seen.add(wanted)
    return cells


def is_serious(issue: str) -> bool:
    """Changes to locked cells are flagged; a missing answer cell is only a note."""
    return "answer cell missing" not in issue
