"""The `course` command line: doctor, bench (and, as the course grows, release, grade)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="course", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("doctor", help="what this machine has, and what is missing")
    bench = sub.add_parser("bench", help="time our framework against PyTorch (same process)")
    bench.add_argument("workloads", nargs="*", help="mlp cnn lstm tiny matmul (default: all)")
    bench.add_argument("--device", default="cpu", help="cpu or cuda")
    bench.add_argument("--repeat", type=int, default=10, help="timed steps per round (3 rounds)")
    bench.add_argument("--scale", type=int, default=1, help="multiply each batch size by this")
    bench.add_argument("--json", metavar="FILE", help="write results and machine facts as JSON")
    bench.add_argument("--plot", metavar="FILE", help="draw the results to an image")
    bench.add_argument("--quick", action="store_true", help="few repeats, small matmuls")
    args = parser.parse_args(argv)
    if args.command == "doctor":
        from course.doctor import main as doctor

        return doctor()
    if args.command == "bench":
        from course.bench.run import main as bench

        return bench(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
