"""Measure the chunk size of course/ops/_parallel.py: the CNN step's time per sample by chunk size.

Run: python benchmarks/chunk_size.py [--scale 8] [--repeat 15] [--json FILE]
For each CHUNK_BYTES (and "whole batch", i.e. no chunking) it times our side of `course bench
cnn` at the given batch scale, with the thread pool and without it (MAX_WORKERS = 1), and prints
microseconds per sample, of wall time and of CPU time (all threads; less disturbed by other
programs on a shared machine than the wall time). Cache sizes reported by a VM cannot be trusted
(one here reports a 480 MiB L3), so the constant in _parallel.py is chosen from this measurement.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path

import course
from course import machine
from course.bench import measure
from course.bench import workloads as W
from course.ops import _parallel

SIZES = (64 << 10, 256 << 10, 512 << 10, 1 << 20, 2 << 20, 4 << 20, 8 << 20, 16 << 20, 1 << 40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", metavar="FILE", help="write the results here")
    args = parser.parse_args()
    course.keep_freed_memory()  # as `course bench` does
    step = W.cnn("cpu", args.scale).ours
    batch = 64 * args.scale
    saved = _parallel.CHUNK_BYTES, _parallel.MAX_WORKERS
    rows = []
    try:
        for workers in (None, 1):
            for size in SIZES:
                _parallel.CHUNK_BYTES, _parallel.MAX_WORKERS = size, workers
                cpu = time.process_time()
                t = measure(step, warmup=3, repeat=args.repeat, number=1)
                cpu = (time.process_time() - cpu) / (args.repeat + 3)  # all threads' CPU time
                label = "whole batch" if size >= 1 << 40 else f"{size >> 10} KiB"
                pool = "1 thread" if workers == 1 else f"{_parallel.num_workers()} threads"
                rows.append({"chunk_bytes": size, "threads": pool, "ms": 1e3 * t.median,
                             "us_per_sample": 1e6 * t.median / batch, "spread": t.spread,
                             "cpu_us_per_sample": 1e6 * cpu / batch})  # fmt: skip
                print(
                    f"{label:>12} {pool:>10}: {1e6 * t.median / batch:7.1f} us/sample "
                    f"(spread {100 * t.spread:.0f}%), CPU {1e6 * cpu / batch:7.1f} us"
                )
    finally:
        _parallel.CHUNK_BYTES, _parallel.MAX_WORKERS = saved
    if args.json:
        payload = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                   "batch": batch, "machine": machine.facts(), "results": rows}  # fmt: skip
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
