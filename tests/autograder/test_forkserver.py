"""Kernels forked from a pre-imported template: a new process per student, nothing shared, the
template idle and single-threaded, the sandbox still applied (`autograder.grade.forkserver`)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import nbformat
import pytest
from crafted import CELL_TIMEOUT, LESSON, TIME_LIMIT, Crafter

from autograder.grade import contain, forkserver, grade_class, landlock
from course.repo import repo_root

# Each student reports its process, what an earlier student left behind, and then leaves
# something behind itself: in modules the template imported, in builtins, in a file.
PROBE = """import builtins, os, sys, tempfile, numpy, torch, course, pathlib
print("PID", os.getpid(), "PARENT", os.getppid())
print("FORKED", "autograder.grade.forkserver" in " ".join(sys.orig_argv))
print("SEEN", getattr(numpy, "course_leak", None), getattr(torch, "course_leak", None),
      getattr(builtins, "course_leak", None), os.environ.get("COURSE_LEAK"))
numpy.course_leak = torch.course_leak = builtins.course_leak = os.getpid()
os.environ["COURSE_LEAK"] = "1"
print("TMP", tempfile.gettempdir())
print("COURSE", course.__file__)
try:
    (pathlib.Path(course.__file__).resolve().parents[1] / "solutions").iterdir().__next__()
    print("SOLUTIONS ALLOWED")
except OSError as error:
    print("SOLUTIONS DENIED", type(error).__name__)
"""


@pytest.fixture(scope="module")
def probed(built, tmp_path_factory):
    c = Crafter(built)
    folder = tmp_path_factory.mktemp("forked")
    for student in ("first", "second", "third"):
        nbformat.write(c.insert_after(c.correct(), "setup", PROBE), folder / f"{student}.ipynb")
    outcome = grade_class(
        LESSON,
        folder,
        tmp_path_factory.mktemp("forked-graded"),
        workers=1,  # one worker, one template: the students follow each other
        cell_timeout=CELL_TIMEOUT,
        time_limit=TIME_LIMIT,
        course_dir=built,
        progress=False,
    )
    printed = {}
    for student in ("first", "second", "third"):
        path = outcome.course / "autograded" / student / LESSON / f"{LESSON}.ipynb"
        cells = [c for c in nbformat.read(path, 4).cells if c.get("id") == "learner-extra"]
        printed[student] = "".join(o.get("text", "") for c in cells for o in c.outputs)
    return outcome, printed


def test_each_student_gets_a_new_forked_process(probed):
    outcome, printed = probed
    pids, parents = set(), set()
    for student, out in printed.items():
        status = outcome.by_student()[student]["status"]  # flagged: the probe patches modules
        assert status.split(":")[0] in ("graded", "flagged"), status
        assert "FORKED True" in out, out
        pid, parent = re.search(r"PID (\d+) PARENT (\d+)", out).groups()
        pids.add(pid)
        parents.add(parent)
    assert len(pids) == 3, printed
    assert len(parents) == 1, "every kernel should be the worker's child"


def test_nothing_leaks_from_one_student_to_the_next(probed):
    for out in probed[1].values():
        assert "SEEN None None None None" in out, out


def test_a_forked_kernel_has_its_own_folders_and_sandbox(probed):
    for out in probed[1].values():
        tmp = re.search(r"TMP (\S+)", out).group(1)
        assert Path(tmp).name == "tmp" and Path(tmp).parent.name == "sandbox", out
        assert str(repo_root()) not in re.search(r"COURSE (\S+)", out).group(1), out
        if landlock.abi() >= 1:
            assert "SOLUTIONS DENIED PermissionError" in out, out


def test_the_template_has_one_thread_and_holds_nothing_of_the_instructor(monkeypatch):
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(name, "1")  # as the pool sets: else BLAS starts threads at import
    template = forkserver.start()
    assert template is not None
    try:
        proc = Path(f"/proc/{template.pid}")
        assert len(list((proc / "task").iterdir())) == 1
        for fd in (proc / "fd").iterdir():
            target = os.readlink(fd)
            assert not target.startswith(str(repo_root())) or target.endswith(".log"), target
            assert not target.endswith((".db", ".ipynb", ".md")), target
    finally:
        forkserver.stop()
    assert forkserver.template_pid() is None


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: OpenBLAS starts no threads")
def test_a_template_with_threads_refuses_to_fork(monkeypatch):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")  # OpenBLAS starts its pool when loaded
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    assert forkserver.start() is None
    assert forkserver.fork_kernel([], {}, "/") is None


def test_kill_children_spares_the_one_kept():
    kept = subprocess.Popen(["sleep", "30"])
    other = subprocess.Popen(["sleep", "30"])
    try:
        contain.kill_children(keep=kept.pid)  # reaps ``other`` itself
        assert not Path(f"/proc/{other.pid}").exists()
        assert kept.poll() is None
    finally:
        kept.kill()
        kept.wait()
