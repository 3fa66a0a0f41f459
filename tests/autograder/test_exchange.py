"""nbgrader's exchange end to end for three students, graded by `autograder grade`.

Instructor and students each have a course directory in a temporary folder and share one
exchange folder, as on a JupyterHub: release, fetch, submit, collect, grade (autograde and
feedback), release feedback, fetch feedback.
"""

from __future__ import annotations

import html
import re

import nbformat
from crafted import LESSON, Crafter, wrong_answers
from test_feedback import hidden_lines

from autograder.config import nbgrader_config
from autograder.grade import grade_class

STUDENTS = ("ada", "bo", "cy")


def exchange_app(kind: str, root, exchange, **course):
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import default

    config = nbgrader_config(
        CourseDirectory={"root": str(root), "assignment_id": LESSON, **course},
        Exchange={"root": str(exchange)},
    )
    coursedir = CourseDirectory(config=config)
    app = getattr(default, kind)(
        coursedir=coursedir, authenticator=Authenticator(config=config), config=config
    )
    return app


def test_release_submit_collect_grade_return(built, tmp_path):
    import shutil

    exchange = tmp_path / "exchange"
    exchange.mkdir()
    teacher = tmp_path / "teacher"
    for part in ("source", "release"):
        shutil.copytree(built / part / LESSON, teacher / part / LESSON)
    shutil.copy2(built / "gradebook.db", teacher / "gradebook.db")
    exchange_app("ExchangeReleaseAssignment", teacher, exchange).start()

    crafter = Crafter(built)
    answers = {"ada": crafter.correct(), "bo": crafter.wrong_all(), "cy": None}
    for student in STUDENTS:
        home = tmp_path / student
        home.mkdir()
        cache = tmp_path / "cache" / student  # each student's own nbgrader cache
        fetch = exchange_app("ExchangeFetchAssignment", home, exchange, student_id=student)
        fetch.assignment_dir = str(home)
        fetch.start()
        path = home / LESSON / f"{LESSON}.ipynb"
        assert path.is_file(), f"{student} did not get the lesson"
        if answers[student] is not None:
            nbformat.write(answers[student], path)
        submit = exchange_app("ExchangeSubmit", home, exchange, student_id=student)
        submit.assignment_dir, submit.cache = str(home), str(cache)
        submit.start()

    exchange_app("ExchangeCollect", teacher, exchange).start()
    assert sorted(p.name for p in (teacher / "submitted").iterdir()) == list(STUDENTS)

    outcome = grade_class(
        LESSON, teacher / "submitted", tmp_path / "grades", course_dir=built, progress=False,
        workers=2, cell_timeout=20,
    )  # fmt: skip
    scores = {r["student"]: sum(r["scores"].values()) for r in outcome.results}
    assert scores == {"ada": 11.0, "bo": 0.0, "cy": 0.0}, outcome.summary
    assert outcome.exit_code == 0, outcome.summary
    graded = outcome.course
    assert (graded / "feedback" / "ada" / LESSON / "timestamp.txt").is_file()

    exchange_app("ExchangeReleaseFeedback", graded, exchange).start()
    secret = hidden_lines(LESSON)
    for student in STUDENTS:
        home, cache = tmp_path / student, tmp_path / "cache" / student
        fetch = exchange_app("ExchangeFetchFeedback", home, exchange, student_id=student)
        fetch.assignment_dir, fetch.cache = str(home), str(cache)
        fetch.start()
        pages = list((home / LESSON / "feedback").rglob("*.html"))
        assert len(pages) == 1, f"{student} got no feedback"
        text = html.unescape(re.sub(r"<[^>]+>", "", pages[0].read_text()))
        assert f"{scores[student]:.1f} / 11.0" in text
        assert not [line for line in secret if line in text]
    assert wrong_answers()  # bo's answers are the plausible wrong ones of tests/lessons/wrong
