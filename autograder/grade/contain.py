"""Process containment of grading kernels: a pids cgroup per kernel, and the worker a subreaper.

RLIMIT_NPROC does not bind root, and a process started with ``setsid`` or a double fork
leaves the kernel's session and process group. So each kernel joins its own pids cgroup (v1,
or v2 where the machine has only that) capped at `PIDS_MAX` tasks; nothing in it can leave it,
and `Cgroup.kill` ends all of it. The grading worker is a child subreaper: orphans of the
kernel's tree become its children, and `kill_children` ends them too. Where no cgroup can be
made (an unprivileged user), kernels get RLIMIT_NPROC instead, which binds such a user.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import time
from pathlib import Path

# Tasks (threads count) per kernel: ipykernel and torch use about 15, a BLAS or OpenMP pool one
# per core, and Numba's CUDA simulator one thread per simulated thread of a block (lesson 06: up
# to 256 in a learner's launch). A fork bomb stops here.
PIDS_MAX = 512
PR_SET_CHILD_SUBREAPER = 36
V1 = Path("/sys/fs/cgroup/pids")
V2 = Path("/sys/fs/cgroup")


def become_subreaper() -> None:
    """Orphans of this process's descendants become its children, not init's."""
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


def _base() -> Path | None:
    """Where this process may make pids cgroups: the v1 hierarchy, or its own v2 cgroup."""
    if (V1 / "cgroup.procs").is_file():
        return V1
    if not (V2 / "cgroup.controllers").is_file():
        return None
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        if line.startswith("0::"):
            return V2 / line[3:].strip().lstrip("/")
    return None


class Cgroup:
    """One pids cgroup: ``create``, let a process `join`, `kill` all in it, ``remove``."""

    def __init__(self, path: Path):
        self.path = Path(path)

    @classmethod
    def for_worker(cls, pid: int | None = None) -> Cgroup | None:
        """This worker's parent cgroup (made here), or None where none can be made."""
        base = _base()
        if base is None:
            return None
        group = cls(base / f"course-grade-{pid or os.getpid()}")
        try:
            if base != V1 and "pids" not in (base / "cgroup.subtree_control").read_text():
                (base / "cgroup.subtree_control").write_text("+pids")
            group.path.mkdir(exist_ok=True)
            if base != V1:
                (group.path / "cgroup.subtree_control").write_text("+pids")
        except OSError:
            return None
        return group

    def child(self, name: str) -> Cgroup:
        """A new cgroup under this one, capped at `PIDS_MAX` tasks."""
        group = Cgroup(self.path / name)
        group.remove()
        group.path.mkdir()
        (group.path / "pids.max").write_text(str(PIDS_MAX))
        return group

    def pids(self) -> list[int]:
        found = []
        for procs in self.path.rglob("cgroup.procs"):
            try:
                found += [int(p) for p in procs.read_text().split()]
            except OSError:
                pass
        return found

    def kill(self) -> None:
        """SIGKILL every process in this cgroup and those under it, until none is left."""
        for _ in range(1000):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)
        raise RuntimeError(f"cannot empty cgroup {self.path}: {len(self.pids())} processes left")

    def remove(self) -> None:
        """Kill what is left, then delete this cgroup and those under it."""
        if not self.path.is_dir():
            return
        self.kill()
        for path in sorted(self.path.rglob("*"), key=lambda p: -len(p.parts)) + [self.path]:
            if path.is_dir():
                for _ in range(100):
                    try:
                        path.rmdir()
                        break
                    except OSError:  # a killed task is still leaving
                        time.sleep(0.01)


def cgroups_writable() -> bool:
    """Whether this process can make pids cgroups (tried, then undone)."""
    group = Cgroup.for_worker()
    if group is not None:
        group.remove()
    return group is not None


def remove_worker_group(pid: int) -> None:
    """Kill what a killed worker's kernels left in its cgroups, and remove them."""
    base = _base()
    if base is not None:
        Cgroup(base / f"course-grade-{pid}").remove()


def join(path: str | os.PathLike) -> None:
    """Move this process into the cgroup at ``path`` (its children follow)."""
    (Path(path) / "cgroup.procs").write_text(str(os.getpid()))


def limit_processes(extra: int = PIDS_MAX) -> None:
    """The fallback: RLIMIT_NPROC at the user's current task count plus ``extra``."""
    uid = os.getuid()
    tasks = 0
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if entry.stat().st_uid == uid:
                tasks += len(os.listdir(entry / "task"))
        except OSError:
            pass
    resource.setrlimit(resource.RLIMIT_NPROC, (tasks + extra, tasks + extra))


def children(pid: int | None = None) -> list[int]:
    """Processes whose parent is ``pid`` (default: this process)."""
    pid = pid or os.getpid()
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def reap() -> None:
    """Collect every child of this process that has ended."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_children(rounds: int = 200, keep: int | None = None) -> int:
    """SIGKILL every child of this process but ``keep``, and the orphans that then come to it;
    return how many were killed. Call only when this process has no other child it needs."""
    killed = 0
    for _ in range(rounds):
        pids = [pid for pid in children() if pid != keep]
        if not pids:
            return killed
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
        time.sleep(0.01)
        reap()
    return killed
