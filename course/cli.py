"""The learner's `course` command: doctor (what this machine has) and bench (speed vs PyTorch).

The instructor's tools (building lessons, grading, the student export) are the `autograder`
command.
"""

from __future__ import annotations

import argparse
import sys

# Commands that moved to the instructor's `autograder` command, with their new names.
MOVED = {"release": "build", "grade": "grade", "export-student": "export-student"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="course", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    doctor = sub.add_parser("doctor", help="what this machine has, and what is missing")
    doctor.add_argument("--json", action="store_true", help="print the checks as JSON")
    doctor.add_argument("--gpu-check", action="store_true", help="GPU tests + bench -> JSON")
    doctor.add_argument("--out", metavar="FILE", help="--gpu-check's results file")
    bench = sub.add_parser("bench", help="time our framework against PyTorch (same process)")
    bench.add_argument("workloads", nargs="*", help="mlp cnn lstm gpt tiny matmul (default: all)")
    bench.add_argument("--device", default="cpu", help="cpu or cuda")
    bench.add_argument("--repeat", type=int, default=10, help="timed steps per round (3 rounds)")
    bench.add_argument("--scale", type=int, default=1, help="multiply each batch size by this")
    bench.add_argument(
        "--scales", type=int, nargs="+", metavar="N", help="sweep: time per sample at each scale"
    )
    bench.add_argument("--json", metavar="FILE", help="write results and machine facts as JSON")
    bench.add_argument("--plot", metavar="FILE", help="draw the results to an image")
    bench.add_argument("--quick", action="store_true", help="few repeats, small matmuls")
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in MOVED:
        print(
            f"`course {argv[0]}` is an instructor's tool now: `autograder {MOVED[argv[0]]}` "
            "(pip install -e '.[instructor]'; see docs/instructors.md)",
            file=sys.stderr,
        )
        return 2
    args = parser.parse_args(argv)
    if args.command == "doctor" and args.gpu_check:
        from course.gpu_check import main as gpu_check

        return gpu_check(args.out)
    if args.command == "doctor":
        from course.doctor import main as doctor

        return doctor(as_json=args.json)
    if args.command == "bench":
        from course.bench.run import main as bench

        return bench(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
