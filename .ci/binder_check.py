"""Run every lesson's solution top to bottom in Binder's environment (what `.ci/run` builds).

Checks that the installed versions are binder/requirements.txt's pins, executes each lesson in
default mode (or quick mode with --quick) with nbclient (no dev tools needed: nbclient comes
with JupyterLab), and prints the
time from a fresh environment to the first executed cell and each lesson's run time and peak
memory; fails when a lesson raises or peaks above 1.5 GB. Results: test-artifacts/binder_runs.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder import config, sources

ROOT = Path(__file__).resolve().parent.parent
MAX_RSS_MB = 1536
PEAK = "import resource; print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"


def pins(path: Path = ROOT / "binder" / "requirements.txt") -> dict[str, str]:
    """``{name: version}`` for each ``name==version`` line."""
    lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
    return dict(line.split("==") for line in lines if "==" in line)


def check_pins() -> list[str]:
    wrong = []
    for name, pinned in pins().items():
        try:
            found = metadata.version(name)
        except metadata.PackageNotFoundError:
            found = None
        if found != pinned:
            wrong.append(f"{name}: pinned {pinned}, installed {found}")
    return wrong


def run_lesson(lesson_id: str, on_first_cell, quick: bool) -> dict:
    nb = sources.source_notebook(lesson_id, ROOT)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK, id="peak-rss"))
    client = NotebookClient(nb, timeout=300, kernel_name="python3", on_cell_executed=on_first_cell)
    start = time.perf_counter()
    env = config.kernel_environment(ROOT, quick=quick)
    with tempfile.TemporaryDirectory() as tmp, config.environment(**env):
        client.execute(cwd=tmp)
    seconds = time.perf_counter() - start
    [text] = [o.get("text", "") for o in nb.cells[-1].outputs if o.get("name") == "stdout"]
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(int(text.split()[-1]) / 1024)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--since", type=float, help="when the fresh environment was started (epoch)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="run lessons with COURSE_QUICK=1 (CI: the full-size budget is checked by "
        "tests/lessons/test_execution.py in the same environment)",
    )
    parser.add_argument(
        "--tools",
        help="a folder with jupytext (pip install --target): this checker reads the MyST sources "
        "with it; Binder's environment, in which the lessons run, has no jupytext",
    )
    args = parser.parse_args()
    if args.tools:
        sys.path.append(str(Path(args.tools).resolve()))  # last: Binder's packages come first
    wrong = check_pins()
    if wrong:
        print("binder/requirements.txt does not match this environment:", *wrong, sep="\n  ")
        return 1
    results: dict = {"lessons": {}}

    def first_cell(**_):
        if "first_cell_s" not in results and args.since:
            results["first_cell_s"] = round(time.time() - args.since, 1)

    for lesson_id in sources.lesson_ids(ROOT):
        results["lessons"][lesson_id] = run_lesson(lesson_id, first_cell, args.quick)
        print(f"binder env: {lesson_id}: {results['lessons'][lesson_id]}", flush=True)
    if "first_cell_s" in results:
        print(f"binder env: fresh environment to first executed cell: {results['first_cell_s']} s")
    out = ROOT / "test-artifacts" / "binder_runs.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    over = {k: v for k, v in results["lessons"].items() if v["peak_rss_mb"] > MAX_RSS_MB}
    if over:
        print(f"lessons above {MAX_RSS_MB} MB peak memory: {over}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
