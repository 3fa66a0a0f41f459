"""The instructor's command: ``autograder build | grade | export-student | doctor | estimate``."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

INSTALL = "pip install -e '.[instructor]'"
ROOT_HELP = "course repository (default: the one holding this package, else the current folder's)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build lessons/ from solutions/ (nbgrader)")
    build.add_argument("lessons", nargs="*", metavar="ID", help="lesson ids, e.g. 01_tensors")
    build.add_argument("--check", action="store_true", help="fail if lessons/ is out of date")
    build.add_argument("--root", help=ROOT_HELP)
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
    grade.add_argument("--root", help=ROOT_HELP)
    export = sub.add_parser("export-student", help="write the student repository (no solutions)")
    export.add_argument("dir", metavar="DIR", help="an empty or new folder")
    export.add_argument("--root", help=ROOT_HELP)
    sub.add_parser("doctor", help="nbgrader, jupytext, the Validate button, the workspace")
    estimate = sub.add_parser("estimate", help="learner time per lesson, by the stated rule")
    estimate.add_argument("lessons", nargs="*", metavar="ID", help="lesson ids (default: all)")
    estimate.add_argument("--root", help=ROOT_HELP)
    args = parser.parse_args(argv)
    if args.command == "doctor":
        from autograder.doctor import main as doctor

        return doctor()
    if args.command == "export-student":
        return _export(args)
    missing = [name for name in ("nbgrader", "jupytext") if not importlib.util.find_spec(name)]
    if missing:
        print(
            f"autograder {args.command}: {' and '.join(missing)} not installed; "
            f"the instructor's tools need them: {INSTALL}",
            file=sys.stderr,
        )
        return 2
    if args.command == "build":
        return _build(args)
    if args.command == "estimate":
        from autograder.estimate import main as estimate_main

        return estimate_main(args.lessons, args.root)
    return _grade(args)


def _build(args: argparse.Namespace) -> int:
    from autograder.build import StaleLessonsError, build_lessons

    try:
        paths = build_lessons(args.lessons or None, check=args.check, root=args.root)
    except StaleLessonsError as error:
        print(f"autograder build --check: {error}", file=sys.stderr)
        return 1
    except FileNotFoundError as error:
        print(f"autograder build: {error}", file=sys.stderr)
        return 2
    verb = "up to date" if args.check else "written"
    for path in paths:
        print(f"{verb}: {path}")
    return 0


def _grade(args: argparse.Namespace) -> int:
    from autograder.grade import grade_class

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
        print(f"autograder grade: {error}", file=sys.stderr)
        return 2
    print(outcome.summary)
    print(f"grades: {outcome.csv}\nnbgrader course directory: {outcome.course}")
    return outcome.exit_code


def _export(args: argparse.Namespace) -> int:
    from autograder.export import export_student

    try:
        written = export_student(args.dir, root=args.root)
    except (FileExistsError, FileNotFoundError) as error:
        print(f"autograder export-student: {error}", file=sys.stderr)
        return 2
    print(f"student repository written to {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
