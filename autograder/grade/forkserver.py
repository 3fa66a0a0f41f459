"""Start grading kernels by forking a template that has imported, and never computed.

A kernel spends about 2 s importing ipykernel, NumPy, torch and matplotlib before it runs a
cell. Each grading worker starts one template (`start`): ``python -m
autograder.grade.forkserver``, which imports those (`PRELOAD`), checks that it still has one
thread, and then only forks. The worker's nbgrader uses `ForkKernelManager`, whose
provisioner asks the template for a kernel instead of starting a new interpreter. The
template forks a child that forks the kernel and exits, so the kernel is an orphan that the
worker (a subreaper) takes in: it is the worker's child, as a kernel started with ``Popen``
is, and the worker interrupts, kills and waits for it as before. The kernel then does what a
freshly started one does: a new session, stdin from ``/dev/null``, no inherited descriptor
but stdout and stderr, the kernel's environment and folder, and `sandbox_kernel.main`
(cgroup, Landlock, ipykernel) while it has one thread. Every student gets a new process; none
sees another's, and the template never runs learner code.

If the template cannot start, or dies, kernels start the usual way.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import subprocess
import sys
import threading
import traceback
from pathlib import Path

from autograder.grade import sandbox_kernel

# What every lesson's kernel imports anyway. Not `course`: a kernel imports it through the
# sandbox's link folder, so that its path does not show the repository.
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "IPython.core.interactiveshell",
    "matplotlib_inline.backend_inline",
    "numpy",
    "numpy.random",  # reseeded in each kernel
    "torch",
    "matplotlib.pyplot",
)
COMMAND = ["-m", sandbox_kernel.__name__]  # the kernel spec's argv after the interpreter
FORK = b"F"  # then the request's length (8 bytes) and the request, JSON
INLINE = "module://matplotlib_inline.backend_inline"  # what ipykernel sets when unset

_template: subprocess.Popen | None = None
_started = False  # `stop` registered to run at exit


def start() -> subprocess.Popen | None:
    """Start this process's template, or a new one where it died; None where it cannot."""
    global _template, _started
    if _template is not None and _template.poll() is None:
        return _template
    if not _started:
        atexit.register(stop)
        _started = True
    _template = None
    env = dict(os.environ)
    here = str(Path(__file__).resolve().parents[2])  # where `autograder` is, for `-m`
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [here, env.get("PYTHONPATH")]))
    proc = subprocess.Popen(
        [sys.executable, *COMMAND[:1], __name__],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        cwd="/",  # the template's sys.path[0]: nothing to import from there
    )
    if proc.stdout.readline().strip() != b"ready":
        proc.kill()
        proc.wait()
        return None
    _template = proc
    return proc


def stop() -> None:
    """End the template; kernels start the usual way until `start`."""
    global _template
    if _template is not None:
        _template.kill()
        _template.wait()
        _template = None


def template_pid() -> int | None:
    return _template.pid if _template is not None and _template.poll() is None else None


def fork_kernel(argv: list[str], env: dict[str, str], cwd: str) -> int | None:
    """The pid of a new kernel run as ``python -m sandbox_kernel *argv``; None without a
    template. The kernel is this process's child once this returns (it is a subreaper)."""
    if _template is None or start() is None:  # never started, stopped, or cannot restart
        return None
    request = {"argv": argv, "env": {**env, "JPY_PARENT_PID": str(os.getpid())}, "cwd": cwd}
    data = json.dumps(request).encode()
    try:
        _template.stdin.write(FORK + len(data).to_bytes(8, "big") + data)
        _template.stdin.flush()
        reply = _template.stdout.readline().strip()
    except OSError:
        reply = b""
    if not reply.isdigit() or int(reply) == 0:
        stop()  # out of step or dead: the next kernel gets a new template
        return None
    return int(reply)


# The template's side.


def _threads() -> int:
    return len(os.listdir("/proc/self/task"))


def _read(fd: int, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            raise EOFError("forkserver: the request ended early")
        data += chunk
    return data


def _become_kernel(done: int) -> None:
    """In the forked kernel: read the request (the template never does, so it keeps nothing
    of any student), tell the template, and look like ``Popen(cmd, start_new_session=True,
    cwd=cwd, env=env)``, where ``cmd`` is the kernel spec's."""
    request = json.loads(_read(0, int.from_bytes(_read(0, 8), "big")))
    os.write(done, str(os.getpid()).encode())
    os.setsid()
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # the template's pipes to the worker
    sys.stdout = sys.__stdout__  # the template pointed it at stderr
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    import random
    import tempfile

    import numpy as np

    tempfile.tempdir = None  # found again from the kernel's TMPDIR
    random.seed()
    np.random.seed()  # each kernel its own unseeded state, as a new interpreter has
    # `python -m` puts the folder it starts in first, then PYTHONPATH; the rest is the same.
    pythonpath = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path[:] = [os.getcwd(), *pythonpath, *_BASE_PATH]
    sys.argv = [sandbox_kernel.__file__, *request["argv"]]
    sandbox_kernel.main(request["argv"])


def _fork() -> int:
    """Fork the kernel through a child that exits at once; the kernel's pid, once it has
    read its request (0 if it failed to)."""
    read, write = os.pipe()
    middle = os.fork()
    if middle == 0:
        code = 0
        try:
            os.close(read)
            if os.fork() == 0:
                code = 1
                try:
                    _become_kernel(write)
                    code = 0
                except SystemExit as end:
                    code = end.code if isinstance(end.code, int) else int(bool(end.code))
                except BaseException:  # noqa: BLE001 - reported on stderr, like a crash
                    traceback.print_exc()
                atexit._run_exitfuncs()  # as the interpreter's own exit would; _exit skips them
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    os.close(write)
    os.waitpid(middle, 0)
    with os.fdopen(read, "rb") as pipe:
        reply = pipe.read()
    return int(reply) if reply.isdigit() else 0


def serve() -> int:
    channel = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # what imports and kernels print goes to the worker's log
    sys.stdout = sys.stderr
    if not os.environ.get("MPLBACKEND"):  # read when matplotlib is imported
        os.environ["MPLBACKEND"] = INLINE
    for name in PRELOAD:
        importlib.import_module(name)
    if threading.active_count() != 1 or _threads() != 1:
        print(f"forkserver: {_threads()} threads after imports: not forking", file=sys.stderr)
        return 1
    channel.write("ready\n")
    while os.read(0, 1) == FORK:  # unbuffered: the request itself is the kernel's to read
        channel.write(f"{_fork()}\n")
    return 0


_BASE_PATH: list[str] = []

if __name__ == "__main__":
    pythonpath = set(filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep)))
    _BASE_PATH[:] = [p for p in sys.path[1:] if p not in pythonpath]
    sys.exit(serve())
