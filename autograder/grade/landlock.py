"""Linux Landlock through its three system calls: the file and TCP sandbox of a grading kernel.

`restrict` lets the calling thread (and every process it starts later) read only beneath the
``read`` paths, write only beneath the ``write`` paths, bind only the TCP ``ports`` given and
connect to none (ABI >= 4), and signal or reach abstract Unix sockets only inside its own
sandbox (ABI >= 6). Only the access rights of the running kernel's ABI are asked for, so one
ABI's sandbox is as strict as that ABI can be. Landlock binds the calling thread only: call
it before any other thread starts. See https://docs.kernel.org/userspace-api/landlock.html.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

CREATE_RULESET, ADD_RULE, RESTRICT_SELF = 444, 445, 446  # the same on x86-64 and arm64
PR_SET_NO_NEW_PRIVS = 38
RULE_PATH_BENEATH, RULE_NET_PORT = 1, 2

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
# File-system rights each ABI adds (ABI 1 has bits 0-12, 2 adds REFER, 3 TRUNCATE).
# IOCTL_DEV (ABI 5) is left unhandled: opening a device is already governed by READ/WRITE.
FS_RIGHTS = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1}
FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | (1 << 14)  # what a rule on a file may hold
READ = EXECUTE | READ_FILE | READ_DIR
# Never granted: a symbolic link, FIFO or device node in the scratch folder could send the
# grader's own (unsandboxed) writes elsewhere, hang it, or reach a raw disk.
MAKE_CHAR, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 6, 1 << 10, 1 << 11, 1 << 12
NEVER = MAKE_CHAR | MAKE_FIFO | MAKE_BLOCK | MAKE_SYM
BIND_TCP, CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


class RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class NetPortAttr(ctypes.Structure):
    _fields_ = [("allowed_access", ctypes.c_uint64), ("port", ctypes.c_uint64)]


class LandlockError(OSError):
    """Landlock is missing, or refused the sandbox."""


def abi() -> int:
    """The kernel's Landlock ABI version; 0 where Landlock is missing or switched off."""
    version = _libc.syscall(CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    return max(int(version), 0)


def _check(value: int, what: str) -> int:
    if value < 0:
        errno = ctypes.get_errno()
        raise LandlockError(errno, f"landlock: {what}: {os.strerror(errno)}")
    return value


def restrict(
    read: list[str | os.PathLike],
    write: list[str | os.PathLike],
    ports: list[int] = (),
) -> int:
    """Sandbox this thread and its future children; return the ABI used.

    ``write`` paths get every right but `NEVER`; missing paths are skipped. Raise
    `LandlockError` where Landlock is missing or a call fails.
    """
    version = abi()
    if version < 1:
        raise LandlockError(0, "landlock: not available in this kernel (ABI 0)")
    fs = FS_RIGHTS[min(version, 3)]
    attr = RulesetAttr(fs, BIND_TCP | CONNECT_TCP if version >= 4 else 0, 0)
    if version >= 6:
        attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
    size = 8 if version < 4 else 16 if version < 6 else 24
    ruleset = _check(
        _libc.syscall(CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), 0),
        "create_ruleset",
    )
    try:
        for paths, rights in ((read, READ), (write, fs & ~NEVER)):
            for path in paths:
                _allow_path(ruleset, Path(path), rights)
        for port in ports if version >= 4 else ():
            rule = NetPortAttr(BIND_TCP, port)
            _check(
                _libc.syscall(ADD_RULE, ruleset, RULE_NET_PORT, ctypes.byref(rule), 0),
                f"allow binding port {port}",
            )
        _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "set no_new_privs")
        _check(_libc.syscall(RESTRICT_SELF, ruleset, 0), "restrict_self")
    finally:
        os.close(ruleset)
    return version


def _allow_path(ruleset: int, path: Path, rights: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except FileNotFoundError:
        return
    try:
        if not path.is_dir():
            rights &= FILE_RIGHTS
        rule = PathBeneathAttr(rights, fd)
        _check(
            _libc.syscall(ADD_RULE, ruleset, RULE_PATH_BENEATH, ctypes.byref(rule), 0),
            f"allow {path}",
        )
    finally:
        os.close(fd)
