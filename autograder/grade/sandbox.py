"""The sandbox of a grading kernel, as the grading worker sets it up for one student.

The worker installs a kernel spec (`install_kernel`) that starts
`autograder.grade.sandbox_kernel`, and before each student puts `spec` in the environment:
what the kernel may read (the Python environment, system libraries, the repository's
``course/`` and ``benchmarks/results/``, nothing else of the repository), where it may write
(the folder the notebook runs in, and a private home, temporary folder and socket folder),
and the pids cgroup it joins. `describe` says what this machine allows, for the start of
``autograder grade`` and its ``summary.txt``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from autograder.grade import contain, landlock

KERNEL = "course-sandbox"
SYSTEM = [
    "/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/proc", "/sys",
    "/dev/random", "/dev/urandom", "/etc/locale.alias", "/etc/ld.so.cache", "/etc/ld.so.conf",
    "/etc/ld.so.conf.d", "/etc/localtime",
    "/etc/timezone", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/hosts",
    "/etc/host.conf", "/etc/resolv.conf", "/etc/gai.conf", "/etc/mime.types", "/etc/ssl",
    "/etc/ca-certificates", "/etc/matplotlibrc", "/etc/fonts", "/etc/os-release",
]  # fmt: skip
# Read-write: subprocess opens /dev/null read-write (ctypes.util and debugpy call it at import).
DEVICES = ["/dev/null", "/dev/zero", "/dev/full"]


def install_kernel(folder: Path) -> str:
    """Write the sandboxed kernel spec under ``folder`` (a JUPYTER_PATH entry); its name."""
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "autograder.grade.sandbox_kernel", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "Python 3 (grading sandbox)", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel, indent=1))
    return KERNEL


def _python() -> list[str]:
    found = []
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}:
        found += [prefix, os.path.realpath(prefix)]
    return sorted(set(found))


def _matplotlib() -> list[str]:
    """matplotlib's font cache and settings, read-only: rebuilding the cache costs seconds."""
    home = Path.home()
    config = os.environ.get("MPLCONFIGDIR") or str(home / ".config" / "matplotlib")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "matplotlib"
    return [config, str(cache)]


def _public(root: Path) -> list[str]:
    """What learners have anyway: the ``course`` package and the recorded speed results that
    lessons 06 and 07 show (both travel with `autograder export-student`)."""
    return [str(root / "course"), str(root / "benchmarks" / "results")]


def spec(root: Path, scratch: Path, private: Path, cgroup: Path | None) -> str:
    """The JSON `autograder.grade.sandbox_kernel` reads: read-only the Python environment and
    ``root/course``; read-write ``scratch`` (where the notebook runs) and ``private``."""
    root = Path(root).resolve()
    packages = private / "packages"
    packages.mkdir(parents=True, exist_ok=True)
    link = packages / "course"
    if not link.is_symlink():
        link.symlink_to(root / "course", target_is_directory=True)
    home, tmp = private / "home", private / "tmp"
    for folder in (home, tmp, scratch):
        folder.mkdir(parents=True, exist_ok=True)
    return json.dumps(
        {
            "landlock": landlock.abi() >= 1,
            "read": [*SYSTEM, *_python(), *_matplotlib(), *_public(root), str(packages)],
            "write": [str(scratch), str(home), str(tmp), str(private / "ipc"), *DEVICES],
            "cgroup": str(cgroup) if cgroup else None,
            "root": str(root),
            "packages": str(packages),
            "env": {
                "IPYTHONDIR": str(home / ".ipython"),
                "TMPDIR": str(tmp),
                "NUMBA_CACHE_DIR": str(tmp / "numba"),
            },
        }
    )


def describe() -> tuple[str, bool]:
    """One line on how kernels are contained here, and whether that is all of it."""
    version = landlock.abi()
    cgroups = contain.cgroups_writable()
    files = f"Landlock ABI {version}" + (" (files, TCP)" if version >= 4 else " (files)")
    tasks = (
        f"pids cgroup ({contain.PIDS_MAX} tasks per kernel)"
        if cgroups
        else f"RLIMIT_NPROC (+{contain.PIDS_MAX}; does not bind root)"
    )
    if version < 1:
        return (
            "WARNING: no Landlock in this kernel: a submission can read and write every file the "
            f"grader can and open network connections; grade in a container (see "
            f"docs/instructors.md). Processes: {tasks}, subreaper.",
            False,
        )
    full = cgroups or os.getuid() != 0
    note = "" if full else " WARNING: no writable cgroup and running as root: no process cap."
    return f"sandbox: {files}; processes: {tasks}, subreaper.{note}", full
