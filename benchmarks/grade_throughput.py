"""Grading throughput: 40 synthetic submissions of lesson 01 through `autograder grade`.

    PYTHONPATH=. python benchmarks/grade_throughput.py [--workers N] [--honest N] [--no-fork]
        [--json FILE]

The mix: 16 correct, 10 with some wrong answers, 8 untouched, and 6 broken (corrupt JSON,
an empty file, an infinite loop, os._exit, a segfault, a patched np.allclose); ``--honest N``
grades only the first N honest ones (correct, wrong, untouched, interleaved), for a quick
before/after; ``--no-fork`` starts every kernel as a new interpreter instead of forking it
from the worker's pre-imported template (`autograder.grade.forkserver`). Prints submissions
per minute, the status counts, and the median seconds one honest submission took (from its
start on a worker to its result); the grading itself is `grade_class`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "autograder"))

import nbformat  # noqa: E402
from crafted import LESSON, LOOP, Crafter  # noqa: E402

from autograder.build import build  # noqa: E402
from autograder.grade import grade_class  # noqa: E402


def submissions(course_dir: Path, folder: Path, honest: int | None = None) -> None:
    c = Crafter(course_dir)
    rng = random.Random(0)
    notebooks = {}
    for i in range(16):
        notebooks[f"correct{i:02d}"] = c.correct()
    for i in range(10):
        wrong = rng.sample(sorted(c.wrong), k=rng.randint(1, len(c.wrong)))
        notebooks[f"wrong{i:02d}"] = c.answers({**c.solutions, **{k: c.wrong[k] for k in wrong}})
    for i in range(8):
        notebooks[f"untouched{i:02d}"] = c.answers({})
    notebooks["broken_loop"] = c.with_answer("ex_contiguous_strides", LOOP)
    notebooks["broken_exit"] = c.insert_after(c.correct(), "setup", "import os\n\nos._exit(1)")
    notebooks["broken_segfault"] = c.answers(
        extra={"ex_standardize": "import faulthandler\n\nfaulthandler._sigsegv()"}
    )
    notebooks["broken_allclose"] = c.answers(
        extra={"ex_standardize": "np.allclose = lambda *a, **k: True"}
    )
    if honest is not None:
        kinds = [[n for n in notebooks if n.startswith(k)] for k in ("correct", "wrong", "unt")]
        order = [n for group in zip(*kinds) for n in group] + kinds[0][len(kinds[2]) :]
        notebooks = {n: notebooks[n] for n in order[:honest]}
    folder.mkdir(parents=True, exist_ok=True)
    for name, nb in notebooks.items():
        nbformat.write(nb, folder / f"{name}.ipynb")
    if honest is None:
        (folder / "broken_json.ipynb").write_text('{"cells": [')
        (folder / "broken_empty.ipynb").write_text("")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=None, help="default: cores")
    parser.add_argument("--cell-timeout", type=int, default=10)
    parser.add_argument("--honest", type=int, help="grade only this many honest submissions")
    parser.add_argument("--no-fork", action="store_true", help="no kernel template")
    parser.add_argument("--json", help="write the numbers here")
    args = parser.parse_args()
    if args.no_fork:
        os.environ["COURSE_GRADE_FORK"] = "0"  # the workers inherit it
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        build([LESSON], course_dir=tmp / "course", lessons_dir=tmp / "lessons")
        submissions(tmp / "course", tmp / "subs", args.honest)
        start = time.perf_counter()
        outcome = grade_class(
            LESSON,
            tmp / "subs",
            tmp / "out",
            workers=args.workers,
            cell_timeout=args.cell_timeout,
            course_dir=tmp / "course",
        )
        seconds = time.perf_counter() - start
    counts = Counter(r["status"].split(":")[0] for r in outcome.results)
    honest = [r["seconds"] for r in outcome.results if not r["student"].startswith("broken")]
    numbers = {
        "submissions": len(outcome.results),
        "seconds": round(seconds, 1),
        "per_minute": round(len(outcome.results) / seconds * 60, 1),
        "median_honest_s": round(statistics.median(honest), 2) if honest else None,
        "workers": args.workers,
        "cell_timeout": args.cell_timeout,
        "fork": not args.no_fork,
        "status": dict(counts),
    }
    print(outcome.summary)
    print(json.dumps(numbers))
    if args.json:
        Path(args.json).write_text(json.dumps(numbers, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
