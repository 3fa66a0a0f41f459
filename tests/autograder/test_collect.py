"""Finding submissions: flat folders, nbgrader's layout, zips, and what is wrong with a file."""

from __future__ import annotations

import zipfile

import pytest

from autograder.grade.collect import collect, read_problem

LESSON = "01_tensors"
NB = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def layout(root):
    (root / "ann" / LESSON).mkdir(parents=True)
    (root / "ann" / LESSON / f"{LESSON}.ipynb").write_text(NB)
    (root / "ann" / LESSON / "timestamp.txt").write_text("2024-01-01 10:00:00")
    (root / "ben" / LESSON).mkdir(parents=True)
    (root / "ben" / LESSON / "my copy.ipynb").write_text(NB)
    (root / "cy" / LESSON).mkdir(parents=True)
    (root / "dee").mkdir()
    return root


def test_nbgrader_layout(tmp_path):
    found = {s.student: s for s in collect(layout(tmp_path / "submitted"), LESSON)}
    assert set(found) == {"ann", "ben", "cy", "dee"}
    assert found["ann"].notebook.name == f"{LESSON}.ipynb" and not found["ann"].problem
    assert found["ben"].notebook.name == "my copy.ipynb"
    assert "submitted as my copy.ipynb" in found["ben"].note
    assert found["cy"].problem.startswith("missing notebook")
    assert found["dee"].problem.startswith("missing notebook")


def test_zip_of_the_layout_and_flat_folder(tmp_path):
    root = layout(tmp_path / "course" / "submitted")
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in root.rglob("*"):
            if path.is_file():
                zf.write(path, path.relative_to(tmp_path))
        zf.writestr("../evil.ipynb", NB)  # never unpacked outside the work folder
    found = collect(archive, LESSON, workdir=tmp_path / "work")
    assert [s.student for s in found] == ["ann", "ben"]  # a zip keeps no empty folders
    assert not (tmp_path / "evil.ipynb").exists()
    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "zoe.ipynb").write_text(NB)
    (flat / "notes.txt").write_text("not a notebook")
    assert [(s.student, s.problem) for s in collect(flat, LESSON)] == [("zoe", "")]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty file"),
        (b'{"cells": [', "corrupt notebook JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b'{"cells": 3}', "not a valid notebook"),
        (NB.encode(), ""),
    ],
)
def test_read_problem(tmp_path, content, problem):
    path = tmp_path / "x.ipynb"
    path.write_bytes(content)
    found = read_problem(path)
    assert (problem in found) if problem else found == "", found
