"""Time `course bench` workloads on this tree against another commit, interleaved in one process.

Run: python benchmarks/ab_commits.py REV [WORKLOAD ...] [--scale N] [--rounds R]

On a shared machine a step's time drifts by 10-30 % from one minute to the next (torch's as much
as ours), so two sittings of `course bench` compare the machine as much as the code. Here REV's
`course` is taken out of git (`git archive`) as a package named `course_base`, both versions are
imported into this process, and blocks of steps of REV, of this tree and of torch take turns, in
an order that changes every round. The table gives each one's 25th percentile and minimum step
time, and new / base from both: drift then falls on all three alike.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BASE = "course_base"

# The other commit's `course` renamed: its imports of itself point at the copy, not at this tree.
_IMPORTS = [
    (re.compile(r"\bfrom course(\.| import)"), rf"from {BASE}\1"),
    (re.compile(r"^(\s*)import course$", re.M), rf"\1import {BASE} as course"),
    (
        re.compile(r"^(\s*)import course\.([\w.]+)$", re.M),
        rf"\1import {BASE}.\2\n\1import {BASE} as course",
    ),
]


def extract(rev: str, into: Path) -> None:
    """REV's `course/` as ``into/course_base``, its imports of itself renamed."""
    tar = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "course"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(tar)) as archive:
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # 3.11.4 and later
        archive.extractall(into, **safe)
    package = into / BASE
    (into / "course").rename(package)
    for path in package.rglob("*.py"):
        text = path.read_text()
        for pattern, replacement in _IMPORTS:
            text = pattern.sub(replacement, text)
        path.write_text(text)


def interleave(steps: dict, rounds: int, per_block: int) -> dict[str, list[float]]:
    """Seconds per step of each named step function, run in blocks that take turns."""
    times: dict[str, list[float]] = {name: [] for name in steps}
    names = list(steps)
    for r in range(rounds):
        for name in names if r % 2 == 0 else names[::-1]:
            step = steps[name]
            step()
            step()  # warm: caches, the allocator, BLAS's threads
            for _ in range(per_block):
                t = time.perf_counter()
                step()
                times[name].append(time.perf_counter() - t)
    return times


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the commit to compare with (e.g. HEAD~1, main, a hash)")
    parser.add_argument("workloads", nargs="*", default=["cnn"], help="default: cnn")
    parser.add_argument("--scale", type=int, default=1, help="multiply the batch by this")
    parser.add_argument("--rounds", type=int, default=10, help="blocks of each (default 10)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="course-ab-") as tmp:
        extract(args.rev, Path(tmp))
        sys.path.insert(0, tmp)
        try:
            return _compare(args)
        finally:
            sys.path.remove(tmp)


def _compare(args) -> list[dict]:
    import course
    from course.bench import workloads as new_workloads

    base = __import__(BASE)
    base_workloads = __import__(f"{BASE}.bench.workloads", fromlist=["TRAINING"])
    for package in (course, base):
        package.keep_freed_memory()  # as `course bench` does

    rows = []
    print(f"{args.rev} (base) against this tree (new), x{args.scale}, {args.rounds} rounds")
    print(f"{'workload':10s} {'base p25':>9s} {'new p25':>9s} {'torch p25':>9s} "
          f"{'new/base p25':>12s} {'min':>6s} {'new/torch':>9s}")  # fmt: skip
    for name in args.workloads:
        new = new_workloads.TRAINING[name]("cpu", args.scale)
        old = base_workloads.TRAINING[name]("cpu", args.scale)
        per_block = max(4, 24 // args.scale)
        times = interleave(
            {"base": old.ours, "new": new.ours, "torch": new.torch}, args.rounds, per_block
        )
        p25 = {k: float(np.percentile(v, 25)) * 1e3 for k, v in times.items()}
        low = {k: min(v) * 1e3 for k, v in times.items()}
        row = {"workload": name, "scale": args.scale, "p25_ms": p25, "min_ms": low}
        rows.append(row)
        print(f"{name:10s} {p25['base']:9.2f} {p25['new']:9.2f} {p25['torch']:9.2f} "
              f"{p25['new'] / p25['base']:12.3f} {low['new'] / low['base']:6.3f} "
              f"{p25['new'] / p25['torch']:9.2f}")  # fmt: skip
    return rows


if __name__ == "__main__":
    main()
