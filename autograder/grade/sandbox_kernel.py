"""Start a grading kernel inside its sandbox: ``python -m autograder.grade.sandbox_kernel -f FILE``.

The grading worker's kernel spec starts this instead of ``ipykernel_launcher``, with the
sandbox as JSON in ``COURSE_SANDBOX`` (`autograder.grade.sandbox.Sandbox`); the worker's
template (`autograder.grade.forkserver`) forks a process that calls `main`. While this process
still has one thread and has run no learner code, it joins its pids cgroup (or sets
RLIMIT_NPROC), moves its Python path off the repository root, applies Landlock (the kernel's
own TCP ports, where it uses TCP, are the only ones it may bind), and then runs ipykernel in
this same process, so every thread and child of the kernel is inside.
"""

from __future__ import annotations

import json
import os
import runpy
import sys

from autograder.grade import contain, landlock

ENV = "COURSE_SANDBOX"


def _ports(argv: list[str]) -> list[int]:
    """The TCP ports in the kernel's connection file (none with the ``ipc`` transport)."""
    path = argv[argv.index("-f") + 1] if "-f" in argv else None
    if not path or not os.path.isfile(path):
        return []
    with open(path, encoding="utf-8") as f:
        info = json.load(f)
    if info.get("transport", "tcp") != "tcp":
        return []
    return [int(v) for k, v in info.items() if k.endswith("_port")]


def main(argv: list[str]) -> None:
    spec = json.loads(os.environ.pop(ENV))
    if spec.get("cgroup"):
        contain.join(spec["cgroup"])
    else:
        contain.limit_processes()
    os.environ.update(spec["env"])
    # The repository root would list solutions/ and autograder/: import course from a folder
    # that holds only a link to it.
    root, packages = os.path.realpath(spec["root"]), spec["packages"]

    def moved(path: str) -> str:
        return packages if path and os.path.realpath(path) == root else path

    sys.path[:] = [moved(p) for p in sys.path]
    paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    os.environ["PYTHONPATH"] = os.pathsep.join(moved(p) for p in paths)
    if spec["landlock"]:
        connection = [argv[argv.index("-f") + 1]] if "-f" in argv else []
        landlock.restrict(spec["read"] + connection, spec["write"], _ports(argv))
    sys.argv = ["ipykernel_launcher", *argv]
    runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
