"""Run grading tasks on worker processes, each task under a hard wall-clock limit.

A worker (`autograder.grade.worker`) runs in its own process group and serves one task at a
time. When a task runs past its limit the whole group is killed and a fresh worker takes the
next task; the task comes back as ``crashed`` with the cell that was running (the worker
writes it before each cell), so the caller can grade again with that cell skipped.
"""

from __future__ import annotations

import json
import os
import queue
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from autograder import config
from autograder.grade import contain


class Worker:
    """One ``python -m autograder.grade.worker`` process, restarted after a kill."""

    def __init__(self, env: dict[str, str], log: Path):
        self.env = env
        self.log = log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "autograder.grade.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(self.log, "ab"),  # noqa: SIM115 - owned by the process
            env=self.env,
            text=True,
            start_new_session=True,  # its own process group: one kill takes it and its children
        )

    def run(self, task: dict, limit: float) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        assert self.proc and self.proc.stdin and self.proc.stdout
        try:
            self.proc.stdin.write(json.dumps(task) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            self.stop()
            return {"status": "crashed", "cell": None, "log": "worker died"}
        ready, _, _ = select.select([self.proc.stdout], [], [], limit)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            reason = f"ran past the {limit:g} s limit" if not ready else "the worker died"
            self.stop()
            cell = _last_cell(Path(task["workdir"]) / "progress")
            return {"status": "crashed", "cell": cell, "log": reason, "killed": not ready}
        return json.loads(line)

    def stop(self) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _kill_kernels(self.proc.pid)
        contain.remove_worker_group(self.proc.pid)  # the kernel's detached processes
        self.proc.wait()
        self.proc = None


def _last_cell(path: Path) -> str | None:
    return path.read_text().strip() or None if path.is_file() else None


def _kill_kernels(worker_pid: int) -> None:
    """Kernels run in their own session (jupyter_client): kill those this worker started."""
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == worker_pid:
            try:
                os.kill(int(entry.name), signal.SIGKILL)
            except ProcessLookupError:
                pass


def run_tasks(
    tasks: list[dict],
    workers: int,
    limit: float,
    memory_mb: int,
    root: Path,
    log: Path,
    on_done: Callable[[dict], None] | None = None,
    max_skips: int = 3,
) -> list[dict]:
    """Grade ``tasks`` on ``workers`` processes; results in the order of ``tasks``.

    A crashed task is retried with the cell it was running skipped, up to ``max_skips`` times.
    """
    env = dict(os.environ)
    env.update({k: v for k, v in config.kernel_environment(root, quick=True).items() if v})
    env["PYTHONPATH"] = config.kernel_environment(root, quick=True)["PYTHONPATH"]
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env["COURSE_GRADE_MEMORY_MB"] = str(memory_mb)
    env.setdefault("OMP_NUM_THREADS", "1")  # one worker per core: no oversubscription
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    env.setdefault("MKL_NUM_THREADS", "1")
    todo: queue.Queue = queue.Queue()
    for index, task in enumerate(tasks):
        todo.put((index, task))
    results: list[dict | None] = [None] * len(tasks)
    lock = threading.Lock()

    def serve() -> None:
        worker = Worker(env, log)
        try:
            while True:
                try:
                    index, task = todo.get_nowait()
                except queue.Empty:
                    return
                result = _with_retries(worker, task, limit, max_skips)
                with lock:
                    results[index] = result
                    if on_done:
                        on_done(result)
        finally:
            worker.stop()

    threads = [threading.Thread(target=serve) for _ in range(max(1, workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [r for r in results if r is not None]


def _with_retries(worker: Worker, task: dict, limit: float, max_skips: int) -> dict:
    skip: dict[str, str] = {}
    started = time.perf_counter()
    restarts = 0
    while True:
        result = worker.run({**task, "skip": skip}, limit)
        if result.get("status") != "crashed":
            result["seconds"] = round(time.perf_counter() - started, 2)
            return result
        cell = result.get("cell")
        if cell in (None, "setup") and restarts < 2 and not result.get("killed"):
            restarts += 1  # before any learner code ran: the kernel failed to start, try again
            continue
        reason = (
            "ran past the time limit"
            if result.get("killed")
            else "stopped the kernel (a crash, or a hang that ignored the interrupt)"
        )
        stuck = not cell or cell in skip or cell == "setup" or cell.startswith("course-")
        if stuck or len(skip) >= max_skips:
            why = result.get("log", "").strip().splitlines()[-1:] or [reason]
            where = f" in {cell}" if cell else ""
            return {
                "student": task["student"],
                "status": f"failed: grading {reason}{where} ({why[0][:120]})",
                "scores": {},
                "max_scores": {},
                "notes": [f"{c}: {r}" for c, r in skip.items()],
                "seconds": round(time.perf_counter() - started, 2),
            }
        skip[cell] = reason
