"""Every solution notebook runs top to bottom, in default mode, within 90 s and 1.5 GB."""

from __future__ import annotations

import json
import time

import nbformat
import pytest
from lessonkit import ROOT, lesson_params
from nbclient import NotebookClient

from autograder import config
from autograder.sources import source_notebook

MAX_SECONDS = 90
MAX_RSS_MB = 1536
PEAK = "import resource; print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
ARTIFACTS = ROOT / "test-artifacts" / "lesson_runs.json"


def run(nb, quick: bool, tmp_path, timeout: int = 120):
    """Execute ``nb`` in a fresh kernel (this interpreter, this repository's `course`)."""
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    with config.environment(**config.kernel_environment(ROOT, quick)):
        client.execute()
    return nb


def record(lesson_id: str, **numbers) -> None:
    ARTIFACTS.parent.mkdir(exist_ok=True)
    runs = json.loads(ARTIFACTS.read_text()) if ARTIFACTS.is_file() else {}
    runs[lesson_id] = numbers
    ARTIFACTS.write_text(json.dumps(runs, indent=1, sort_keys=True) + "\n")


@pytest.mark.parametrize("lesson_id", lesson_params())
def test_solution_runs_in_default_mode_within_budget(lesson_id, tmp_path):
    nb = source_notebook(lesson_id, ROOT)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK, id="peak-rss"))
    start = time.perf_counter()
    run(nb, quick=False, tmp_path=tmp_path, timeout=MAX_SECONDS)
    seconds = time.perf_counter() - start
    [text] = [o.get("text", "") for o in nb.cells[-1].outputs if o.get("name") == "stdout"]
    rss_mb = int(text.split()[-1]) / 1024
    record(lesson_id, seconds=round(seconds, 1), peak_rss_mb=round(rss_mb))
    print(f"{lesson_id}: {seconds:.1f} s, peak RSS {rss_mb:.0f} MB (default mode)")
    assert seconds <= MAX_SECONDS, f"{lesson_id} took {seconds:.0f} s > {MAX_SECONDS} s"
    assert rss_mb <= MAX_RSS_MB, f"{lesson_id} peaked at {rss_mb:.0f} MB > {MAX_RSS_MB} MB"
