"""Landlock and the pids cgroup on their own, without a kernel: each check runs in a child
process (a sandbox cannot be lifted). Skips only outside CI where the machine lacks them."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest

from autograder.grade import contain, landlock

IN_CI = bool(os.environ.get("CI"))


def run(code: str, **env: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(landlock.abi() < 1 and not IN_CI, reason="no Landlock (runs in CI)")
def test_landlock_confines_reads_writes_and_tcp(tmp_path):
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "key").write_text("k")
    (tmp_path / "mine").mkdir()
    out = run(
        f"""
        import socket, sys
        from autograder.grade import landlock
        server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen()
        python = [sys.prefix, sys.base_prefix, "/usr", "/lib"]
        abi = landlock.restrict(python, [{str(tmp_path / "mine")!r}])
        import json  # the standard library still imports
        def attempt(what, action):
            try:
                action()
                print("ALLOWED", what)
            except PermissionError:
                print("DENIED", what)
        attempt("read", lambda: open({str(tmp_path / "secret" / "key")!r}).read())
        attempt("write", lambda: open({str(tmp_path / "mine" / "f")!r}, "w").write("x"))
        attempt("symlink", lambda: __import__("os").symlink("/", {str(tmp_path / "mine" / "l")!r}))
        if abi >= 4:
            attempt("connect", lambda: socket.create_connection(server.getsockname(), timeout=2))
        """
    )
    assert "DENIED read" in out and "ALLOWED write" in out and "DENIED symlink" in out, out
    assert landlock.abi() < 4 or "DENIED connect" in out, out


@pytest.mark.skipif(
    not contain.cgroups_writable() and not IN_CI, reason="no writable cgroup (runs in CI)"
)
def test_a_killed_workers_cgroup_takes_its_detached_processes_along(tmp_path):
    """What the pool does after killing a worker past its time limit."""
    pid_file = tmp_path / "pid"
    code = f"""
        import os, subprocess, sys, time
        from autograder.grade import contain
        group = contain.Cgroup.for_worker().child("kernel")
        if os.fork() == 0:  # the kernel: joins its cgroup, leaves a detached grandchild
            contain.join(group.path)
            sleeper = subprocess.Popen(
                ["sleep", "8649"], start_new_session=True, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            open({str(pid_file)!r}, "w").write(str(sleeper.pid))
            os._exit(0)
        os.wait()
        while not os.path.exists({str(pid_file)!r}) or not open({str(pid_file)!r}).read():
            time.sleep(0.05)
        print(os.getpid())
        """
    worker = int(run(code))
    sleeper = int(pid_file.read_text())
    assert os.path.exists(f"/proc/{sleeper}"), "the detached process should still run here"
    contain.remove_worker_group(worker)
    for _ in range(100):
        alive = os.path.exists(f"/proc/{sleeper}") and "Z" not in _state(sleeper)
        if not alive:
            break
        time.sleep(0.05)
    assert not alive, "the detached process outlived its worker's cgroup"
    assert not any(p.name == f"course-grade-{worker}" for p in contain._base().iterdir())


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"
