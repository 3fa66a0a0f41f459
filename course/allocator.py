"""Keep freed memory in the process, so big temporaries do not page-fault back in every step.

A training step allocates and frees tens of MB of arrays (im2col matrices, activations,
gradients). glibc's malloc serves big blocks with ``mmap`` and hands freed memory back to
the OS, so the next step touches fresh pages and pays one page fault per 4 KiB: measured
here, that was 40 % of a small CNN's step. Raising the mmap and trim thresholds keeps the
memory in the heap for reuse; the process's peak memory does not grow, it just stays mapped.

It is an explicit call, ``course.keep_freed_memory()``, never a side effect of ``import
course``: it changes malloc for the whole process (NumPy, torch and everything else in it), so
the program that trains or times decides. ``course bench``, the GPU check, the benchmarks/
scripts and every lesson's setup cell make the call before they time anything.
"""

from __future__ import annotations

import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_done = False


def keep_freed_memory(mmap_threshold: int = 64 << 20, trim_threshold: int = 256 << 20) -> bool:
    """Ask glibc to serve blocks below ``mmap_threshold`` bytes from the heap and to keep up to
    ``trim_threshold`` freed bytes; True when applied (glibc on Linux), False elsewhere.

    Process-wide and explicit: ``import course`` does not call it. Call it once, before a
    training loop or a timing, so each step reuses the memory the last one freed instead of
    page-faulting fresh pages in (about 40 % of a small CNN's step on CPU); every allocation
    in the process, torch's included, then follows these thresholds. Calling it again does
    nothing.
    """
    global _done
    if _done:
        return True
    if not sys.platform.startswith("linux"):
        return False
    import ctypes  # here, not at the top: ctypes.util pulls in subprocess (~9 ms of import)
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        ok = libc.mallopt(_M_MMAP_THRESHOLD, mmap_threshold) == 1
        ok = libc.mallopt(_M_TRIM_THRESHOLD, trim_threshold) == 1 and ok
    except (OSError, AttributeError):  # not glibc (musl, ...): nothing to tune
        return False
    _done = ok
    return ok
