"""Submissions that try to escape grading: read the instructor's files or the kernel's history,
write outside their folder, open a TCP connection, outlive grading, fork without bound.

One class of such submissions is graded once (`escapes`); each test reads its student's
result, autograded notebook (the instructor's copy, outputs intact) and feedback. Sandbox
tests skip only outside CI (``CI`` unset) on a machine without Landlock or a writable cgroup.
"""

from __future__ import annotations

import csv
import html
import os
import re
import socket
from pathlib import Path

import nbformat
import pytest
from crafted import CELL_TIMEOUT, LESSON, TIME_LIMIT, Crafter

from autograder.grade import contain, grade_class, landlock, scrub
from course.repo import repo_root

FULL = 11.0
PIDS_MAX = contain.PIDS_MAX
MARK = 8640  # the attacks' processes run `sleep MARK<n>` (n = 1..4): how the test finds them
IN_CI = bool(os.environ.get("CI"))
needs_landlock = pytest.mark.skipif(
    landlock.abi() < 1 and not IN_CI, reason="no Landlock in this kernel (runs in CI)"
)
needs_cgroup = pytest.mark.skipif(
    not contain.cgroups_writable() and os.getuid() == 0 and not IN_CI,
    reason="root without a writable pids cgroup: nothing bounds a fork bomb (runs in CI)",
)

# Each attack prints ALLOWED or DENIED per attempt; the tests read these lines back.
FILES = """import course, pathlib
repo = pathlib.Path(course.__file__).resolve().parent.parent
here = pathlib.Path.cwd()
def attempt(what, action):
    try:
        action()
        print("ALLOWED", what)
    except OSError as error:
        print("DENIED", what, type(error).__name__)
attempt("solutions", lambda: (repo / "solutions" / "{lesson}" / "{lesson}.md").read_text())
attempt("list repo", lambda: list(repo.iterdir()))
attempt("source", lambda: (here.parents[2] / "source" / "{lesson}" / "{lesson}.ipynb").read_text())
attempt("gradebook", lambda: (here.parents[2] / "gradebook.db").read_bytes())
attempt("home", lambda: list(pathlib.Path.home().iterdir()))
attempt("write tmp", lambda: pathlib.Path("{outside}").write_text("escaped"))
attempt("write course", lambda: (here.parents[2] / "escaped.txt").write_text("escaped"))
attempt("write repo", lambda: (repo / "escaped.txt").write_text("escaped"))
attempt("write scratch", lambda: (here / "mine.txt").write_text("mine"))
"""
NETWORK = """import socket
def attempt(what, action):
    try:
        action()
        print("ALLOWED", what)
    except OSError as error:
        print("DENIED", what, type(error).__name__)
attempt("connect", lambda: socket.create_connection(("127.0.0.1", {port}), timeout=3))
attempt("bind", lambda: socket.socket().bind(("127.0.0.1", 0)))
"""
DETACH = f"""import os, subprocess, time
subprocess.Popen(["sleep", "{MARK}1"], start_new_session=True)
subprocess.Popen(["setsid", "sleep", "{MARK}2"])
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execvp("sleep", ["sleep", "{MARK}3"])
    os._exit(0)
time.sleep(1)
print("started")
"""
FORK_BOMB = f"""import os
children = 0
for _ in range({PIDS_MAX + 100}):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        os.execvp("sleep", ["sleep", "{MARK}4"])
    children += 1
print("forked", children)
"""
# Hidden tests of earlier cells, read back from the kernel's history three ways.
HISTORY = {
    "history_in": 'print([s for s in In if "HIDDEN" in s])',
    "history_eval": 'print([s for s in eval("I" + "n") if "HIDDEN" in s])',
    "history_linecache": (
        'import sys\nprint([l for e in sys.modules["line" + "cache"].cache.values()'
        ' if len(e) > 2 for l in e[2] if "assert" in l])'
    ),
}


def _marked() -> list[str]:
    """Command lines of processes the attacks started (`sleep MARK<n>`) that are still alive."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if re.search(rf"sleep {MARK}[1-4]\b", cmdline) and state != "Z":
            found.append(cmdline)
    return found


@pytest.fixture(scope="module")
def listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.setblocking(False)
    yield server
    server.close()


@pytest.fixture(scope="module")
def escapes(built, listener, tmp_path_factory):
    c = Crafter(built)
    outside = tmp_path_factory.mktemp("outside") / "escaped.txt"
    subs = {
        "files": c.insert_after(c.correct(), "setup", FILES.format(lesson=LESSON, outside=outside)),
        "network": c.insert_after(
            c.correct(), "setup", NETWORK.format(port=listener.getsockname()[1])
        ),
        "detach": c.insert_after(c.correct(), "setup", DETACH),
        "forkbomb": c.insert_after(c.correct(), "setup", FORK_BOMB),
    }
    for student, attack in HISTORY.items():
        subs[student] = c.answers(extra={"ex_standardize": attack})
    folder = tmp_path_factory.mktemp("escapes")
    for student, nb in subs.items():
        nbformat.write(nb, folder / f"{student}.ipynb")
    outcome = grade_class(
        LESSON,
        folder,
        tmp_path_factory.mktemp("escapes-graded"),
        workers=2,
        cell_timeout=CELL_TIMEOUT,
        time_limit=TIME_LIMIT,
        course_dir=built,
        progress=False,
    )
    return outcome, outside, _marked()


def result(escapes, student: str) -> dict:
    return escapes[0].by_student()[student]


def printed(escapes, student: str) -> str:
    """What the learner's extra cell printed during grading (the instructor's copy)."""
    path = escapes[0].course / "autograded" / student / LESSON / f"{LESSON}.ipynb"
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if c.get("id") == "learner-extra"] or nb.cells
    return "".join(o.get("text", "") for c in cells for o in c.get("outputs", []))


def assert_graded_in_full(escapes, student: str) -> None:
    r = result(escapes, student)
    assert r["status"] == "graded", r
    assert sum(r["scores"].values()) == FULL, r["scores"]


@needs_landlock
@pytest.mark.parametrize(
    "what", ["solutions", "list repo", "source", "gradebook", "home", "write course", "write repo"]
)
def test_instructor_files_are_out_of_reach(escapes, what):
    assert f"DENIED {what} PermissionError" in printed(escapes, "files"), printed(escapes, "files")


@needs_landlock
def test_writes_stay_in_the_scratch_folder(escapes):
    out = printed(escapes, "files")
    assert "DENIED write tmp" in out and "ALLOWED write scratch" in out, out
    assert not escapes[1].exists(), "the kernel wrote outside its folder"
    assert not (repo_root() / "escaped.txt").exists()
    assert_graded_in_full(escapes, "files")


@needs_landlock
def test_tcp_connect_and_bind_are_denied(escapes, listener):
    out = printed(escapes, "network")
    if landlock.abi() < 4 and not IN_CI:
        pytest.skip("Landlock ABI < 4 has no network rules")
    assert "DENIED connect PermissionError" in out and "DENIED bind PermissionError" in out, out
    with pytest.raises(BlockingIOError):
        listener.accept()  # nothing ever connected
    assert_graded_in_full(escapes, "network")


def test_no_detached_process_outlives_grading(escapes):
    assert "started" in printed(escapes, "detach")
    assert escapes[2] == [], f"still running after grading: {escapes[2]}"
    assert _marked() == []
    assert_graded_in_full(escapes, "detach")


@needs_cgroup
def test_a_fork_bomb_is_bounded_and_grading_goes_on(escapes):
    out = printed(escapes, "forkbomb")
    forked = int(re.search(r"forked (\d+)", out).group(1))
    assert 0 < forked < PIDS_MAX, out
    assert escapes[2] == [], "the fork bomb's processes outlived grading"
    assert_graded_in_full(escapes, "forkbomb")


@pytest.mark.parametrize("student", sorted(HISTORY))
def test_history_leaks_are_removed_from_feedback_and_flagged(escapes, built, student):
    r = result(escapes, student)
    assert r["status"].startswith("flagged: tampering"), r["status"]
    assert "output showed hidden tests or solutions" in r["status"], r["status"]
    if student == "history_in":
        assert "reads the kernel's history (In)" in r["status"], r["status"]
    course = escapes[0].course
    assert not (course / "feedback" / student).exists(), "flagged feedback must be held back"
    held = course / "feedback_held" / student / LESSON / f"{LESSON}.html"
    shown = " ".join(html.unescape(held.read_text()).split())
    source = nbformat.read(built / "source" / LESSON / f"{LESSON}.ipynb", as_version=4)
    release = nbformat.read(built / "release" / LESSON / f"{LESSON}.ipynb", as_version=4)
    secrets = scrub.secret_lines(source, release, release)
    autograded = (course / "autograded" / student / LESSON / f"{LESSON}.ipynb").read_text()
    assert any(s in " ".join(autograded.replace("\\\\n", " ").split()) for s in secrets), (
        "the attack should have read hidden tests (else this test proves nothing)"
    )
    assert not [s for s in secrets if s in shown], "hidden tests reached the feedback"


def test_csv_says_whose_feedback_is_held(escapes):
    with open(escapes[0].csv, newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    assert rows["history_in"]["feedback"].startswith("held for review"), rows["history_in"]
    assert rows["detach"]["feedback"] == "ready", rows["detach"]


def test_summary_names_the_sandbox(escapes):
    assert "sandbox: Landlock ABI" in escapes[0].summary or "WARNING" in escapes[0].summary
