"""One build of lesson 01 and one graded class of crafted submissions per session."""

from __future__ import annotations

import pytest
from crafted import CELL_TIMEOUT, LESSON, TIME_LIMIT, craft

from autograder.build import build
from autograder.grade import grade_class


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("grade-build")
    build([LESSON], course_dir=tmp / "course", lessons_dir=tmp / "lessons")
    return tmp / "course"


@pytest.fixture(scope="session")
def crafted(built, tmp_path_factory):
    return craft(built, tmp_path_factory.mktemp("submissions"))


@pytest.fixture(scope="session")
def graded_class(built, crafted, tmp_path_factory):
    folder = next(iter(crafted.values())).parent
    out = tmp_path_factory.mktemp("graded")
    return grade_class(
        LESSON,
        folder,
        out,
        workers=3,
        cell_timeout=CELL_TIMEOUT,
        time_limit=TIME_LIMIT,
        course_dir=built,
        progress=False,
    )
