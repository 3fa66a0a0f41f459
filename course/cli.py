"""The `course` command line: doctor, bench, release, grade, export-student."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="course", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    doctor = sub.add_parser("doctor", help="what this machine has, and what is missing")
    doctor.add_argument("--json", action="store_true", help="print the checks as JSON")
    doctor.add_argument("--gpu-check", action="store_true", help="GPU tests + bench -> JSON")
    doctor.add_argument("--out", metavar="FILE", help="--gpu-check's results file")
    bench = sub.add_parser("bench", help="time our framework against PyTorch (same process)")
    bench.add_argument("workloads", nargs="*", help="mlp cnn lstm tiny matmul (default: all)")
    bench.add_argument("--device", default="cpu", help="cpu or cuda")
    bench.add_argument("--repeat", type=int, default=10, help="timed steps per round (3 rounds)")
    bench.add_argument("--scale", type=int, default=1, help="multiply each batch size by this")
    bench.add_argument("--json", metavar="FILE", help="write results and machine facts as JSON")
    bench.add_argument("--plot", metavar="FILE", help="draw the results to an image")
    bench.add_argument("--quick", action="store_true", help="few repeats, small matmuls")
    rel = sub.add_parser("release", help="build lessons/ from solutions/ (nbgrader)")
    rel.add_argument("lessons", nargs="*", metavar="ID", help="lesson ids, e.g. 01_tensors")
    rel.add_argument("--check", action="store_true", help="fail if lessons/ is out of date")
    rel.add_argument("--root", help="course repository (default: the one holding this package)")
    grade = sub.add_parser("grade", help="autograde a class's submissions (folder or zip)")
    grade.add_argument("lesson", metavar="LESSON", help="lesson id, e.g. 01_tensors")
    grade.add_argument(
        "submissions",
        metavar="SUBMISSIONS",
        help="nbgrader submitted/ folder, a folder of <student>.ipynb, or a zip of either",
    )
    grade.add_argument("--out", help="where grades go (default: grades/LESSON)")
    grade.add_argument("--workers", type=int, help="students graded at once (default: cores)")
    grade.add_argument("--cell-timeout", type=int, default=60, help="seconds per cell")
    grade.add_argument("--time-limit", type=float, default=300, help="seconds per student")
    grade.add_argument("--memory-mb", type=int, default=3072, help="kernel address-space cap")
    grade.add_argument("--root", help="course repository (default: the one holding this package)")
    export = sub.add_parser("export-student", help="write the student repository (no solutions)")
    export.add_argument("dir", metavar="DIR", help="an empty or new folder")
    export.add_argument("--root", help="course repository (default: the one holding this package)")
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
    if args.command == "release":
        return _release(args)
    if args.command == "grade":
        return _grade(args)
    if args.command == "export-student":
        return _export(args)
    return 2


def _grade(args: argparse.Namespace) -> int:
    from pathlib import Path

    from course.grade import grade_class

    try:
        outcome = grade_class(
            args.lesson,
            args.submissions,
            args.out or Path("grades") / args.lesson,
            workers=args.workers,
            cell_timeout=args.cell_timeout,
            time_limit=args.time_limit,
            memory_mb=args.memory_mb,
            root=args.root,
        )
    except (FileNotFoundError, ValueError) as error:
        print(f"course grade: {error}", file=sys.stderr)
        return 2
    print(outcome.summary)
    print(f"grades: {outcome.csv}\nnbgrader course directory: {outcome.course}")
    return outcome.exit_code


def _export(args: argparse.Namespace) -> int:
    from course.grade.export import export_student

    try:
        written = export_student(args.dir, root=args.root)
    except (FileExistsError, FileNotFoundError) as error:
        print(f"course export-student: {error}", file=sys.stderr)
        return 2
    print(f"student repository written to {written}")
    return 0


def _release(args: argparse.Namespace) -> int:
    from course.release import StaleLessonsError, release

    try:
        paths = release(args.lessons or None, check=args.check, root=args.root)
    except StaleLessonsError as error:
        print(f"course release --check: {error}", file=sys.stderr)
        return 1
    except FileNotFoundError as error:
        print(f"course release: {error}", file=sys.stderr)
        return 2
    verb = "up to date" if args.check else "written"
    for path in paths:
        print(f"{verb}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
