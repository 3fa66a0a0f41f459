"""Grade students one at a time in a separate process: ``python -m autograder.grade.worker``.

The parent writes one JSON task per line on stdin and reads one JSON result per line on the
private descriptor the worker announces (stdout itself carries nbgrader's and the kernel's
chatter). Each task: check the file, rebuild the notebook around the release's locked cells,
scan it, add the guard, autograde it in its own nbgrader course directory (the kernel in its
sandbox, `autograder.grade.sandbox`, and its own pids cgroup; memory capped), kill whatever
the kernel left running, read the guard's verdict, render feedback that hides the hidden tests
(an output that shows one is removed), zero and flag on tampering. A kernel that dies names
the cell it was running, so the parent can grade again with that cell skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
import traceback
import warnings
from pathlib import Path

from autograder.grade import forkserver, sandbox_kernel
from autograder.stubs import STUB  # an answer cell the grader skips gets the bare stub
from course.repo import repo_root

_CGROUP = None  # this worker's pids cgroup (`contain.Cgroup`), made in `main`


def grade_task(task: dict) -> dict:
    """Grade one student; return the result (status, scores, notes) and write files."""
    import nbformat

    from autograder.grade import contain, feedback, guard, integrity, limits, sandbox, scan, scrub
    from autograder.grade.collect import read_problem
    from autograder.grade.notebook import grade_notebook

    lesson = task["lesson"]
    template = Path(task["template"])
    workdir = Path(task["workdir"])
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    result = {"student": task["student"], "scores": {}, "max_scores": {}, "notes": []}
    problem = read_problem(Path(task["notebook"]))
    if problem:
        return {**result, "status": f"failed: {problem}"}
    submitted = nbformat.read(task["notebook"], as_version=4)
    release = nbformat.read(template / "release" / lesson / f"{lesson}.ipynb", as_version=4)
    source = nbformat.read(template / "source" / lesson / f"{lesson}.ipynb", as_version=4)
    nb, issues = integrity.restore(submitted, release, source)
    findings = scan.scan_notebook(submitted, release)
    for cell_id, reason in task.get("skip", {}).items():
        _skip(nb, cell_id, reason, result["notes"])
    tests = {integrity.grade_id(c) for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
    nonce = guard.inject(nb, tests)
    notebook = workdir / "input" / f"{lesson}.ipynb"
    notebook.parent.mkdir(exist_ok=True)
    nbformat.write(nb, notebook)

    progress = workdir / "progress"
    progress.unlink(missing_ok=True)
    private = workdir / "sandbox"  # the kernel's home, temporary and socket folders
    (private / "ipc").mkdir(parents=True)
    config = {
        "Execute": {
            "on_cell_execute": limits.Progress(progress),
            "kernel_name": sandbox.KERNEL,
            "extra_arguments": ["--HistoryManager.hist_file=:memory:"],
        },
        "Autograde": {"autograde_preprocessors": _autograde_preprocessors()},
        "TruncateOutput": {"max_chars": task.get("max_output_chars", 100_000)},
        # Unix sockets in the student's folder: parallel kernels never race for TCP ports.
        "KernelManager": {"transport": "ipc", "ip": str(private / "ipc" / "kernel")},
    }
    course = workdir / "course"
    scratch = course / "autograded" / task["student"] / lesson  # where nbgrader runs it
    group = _CGROUP.child(f"kernel-{os.getpid()}") if _CGROUP else None
    os.environ[sandbox_kernel.ENV] = sandbox.spec(
        Path(task.get("root") or repo_root()), scratch, private, group and group.path
    )
    clock = time.perf_counter()
    try:
        graded = grade_notebook(
            lesson,
            notebook,
            course_dir=template,
            root=task.get("root"),
            timeout=task.get("cell_timeout"),
            student_id=task["student"],
            workdir=workdir,
            config=config,
        )
    finally:
        del os.environ[sandbox_kernel.ENV]
        executed = time.perf_counter()
        if group:
            group.remove()  # everything the kernel started, detached or not
        contain.kill_children(keep=forkserver.template_pid())  # orphans the subreaper took in
    result["timings"] = {
        "autograde": round(executed - clock, 2),
        "contain": round(time.perf_counter() - executed, 2),
    }
    autograded = course / "autograded" / task["student"] / lesson / f"{lesson}.ipynb"
    if not autograded.is_file() or not graded.scores:
        cell = limits.last_cell(progress)
        return {**result, "status": "crashed", "cell": cell, "log": graded.log[-2000:]}
    out = nbformat.read(autograded, as_version=4)
    result["scores"], result["max_scores"] = graded.scores, graded.max_scores
    result["auto_score"] = graded.total
    result["auto_scores"] = dict(graded.scores)  # what the tests gave, before any flag
    for gid, names in graded.errors.items():
        if "CellTimeoutError" in names or "KeyboardInterrupt" in names:
            result["notes"].append(f"{gid}: timed out after {task.get('cell_timeout')} s")
        if any("MemoryError" in name for name in names):
            result["notes"].append(f"{gid}: ran out of memory")

    tampered = [f"static: {f}" for f in findings]
    report = guard.verdict(out, nonce)
    if report is None:
        tampered.append("guard report missing")
    else:
        tampered += report
    tampered += [f"guard cell failed: {e}" for e in guard.guard_errors(out)]
    public = feedback.public_notebook(out, release)
    leaked = scrub.scrub(public, scrub.secret_lines(source, release, submitted))
    if leaked:
        cells = ", ".join(leaked[:4])
        tampered.append(f"output showed hidden tests or solutions (removed from feedback): {cells}")
    serious = [i for i in issues if integrity.is_serious(i)]
    result["notes"] += [i for i in issues if not integrity.is_serious(i)]
    if tampered:
        result["status"] = "flagged: tampering: " + "; ".join(tampered[:6])
        _zero(course, lesson, task["student"], result)
    elif serious:
        result["status"] = "flagged: locked cells changed (graded on restored cells): " + (
            "; ".join(serious[:6])
        )
        _needs_review(course, lesson, task["student"])
    else:
        result["status"] = "graded"

    path = course / "public" / task["student"] / lesson / f"{lesson}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(public, path)
    clock = time.perf_counter()
    result["feedback"] = _feedback(course, lesson, task)
    result["timings"]["feedback"] = round(time.perf_counter() - clock, 2)
    result["autograded"] = str(autograded)
    return result


def _autograde_preprocessors() -> list:
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        IgnorePattern,
        LimitOutput,
        SaveAutoGrades,
    )

    from autograder.grade.forked import ForkExecute
    from autograder.grade.limits import TruncateOutput

    return [
        ForkExecute,  # nbgrader's Execute, the kernel forked from a template (forkserver)
        TruncateOutput,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]


def _skip(nb, cell_id: str, reason: str, notes: list[str]) -> None:
    """Replace the cell that hung or killed the kernel (a test's answer cell for a test)."""
    if cell_id.startswith("test_"):
        cell_id = "ex_" + cell_id.removeprefix("test_")
    for cell in nb.cells:
        if cell.get("id") == cell_id and cell.cell_type == "code":
            cell.source = (
                STUB if cell_id.startswith("ex_") else f"# skipped by the grader: {reason}"
            )
            notes.append(f"{cell_id}: {reason}; graded with that cell skipped")
            return
    raise RuntimeError(f"cannot skip cell {cell_id}: {reason}")


def _zero(course: Path, lesson: str, student: str, result: dict) -> None:
    """Tampering: no automatic points; every graded cell waits for the instructor."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook(lesson, lesson, student)
        for grade in nb.grades:
            grade.auto_score = 0.0
            grade.needs_manual_grade = True
        gb.db.commit()
    result["scores"] = {k: 0.0 for k in result["scores"]}


def _needs_review(course: Path, lesson: str, student: str) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook(lesson, lesson, student)
        for grade in nb.grades:
            grade.needs_manual_grade = True
        gb.db.commit()


def _feedback(course: Path, lesson: str, task: dict) -> str | None:
    from autograder import config

    api = config.api(
        CourseDirectory={"root": str(course), "autograded_directory": "public"},
        Exchange={"root": str(course.parent / "exchange")},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outcome = api.generate_feedback(lesson, task["student"], force=True)
    html = course / "feedback" / task["student"] / lesson / f"{lesson}.html"
    if not outcome.get("success") or not html.is_file():
        return None
    return str(html)


def main() -> int:
    """Serve tasks from stdin until it closes."""
    from autograder.grade.limits import limit_memory

    global _CGROUP
    import atexit
    import tempfile

    from autograder.grade import contain, sandbox

    channel = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # nbgrader and kernels may print: keep the result channel clean
    sys.stdout = sys.stderr
    limit_memory(int(os.environ.get("COURSE_GRADE_MEMORY_MB", "0")))
    contain.become_subreaper()
    _CGROUP = contain.Cgroup.for_worker()
    if _CGROUP:
        atexit.register(_CGROUP.remove)
    kernels = Path(tempfile.mkdtemp(prefix="course-kernels-"))
    atexit.register(shutil.rmtree, kernels, True)
    sandbox.install_kernel(kernels)
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        filter(None, [str(kernels), os.environ.get("JUPYTER_PATH")])
    )
    if os.environ.get("COURSE_GRADE_FORK", "1") != "0" and forkserver.start() is None:
        print("forkserver: no template; kernels start the usual way", file=sys.stderr)
    for line in sys.stdin:
        task = json.loads(line)
        try:
            result = grade_task(task)
        except Exception as error:  # noqa: BLE001 - reported as this student's failure
            tail = traceback.format_exc().splitlines()[-3:]
            result = {"student": task.get("student"), "status": f"failed: grader error: {error}"}
            result["log"] = "\n".join(tail)
        channel.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
