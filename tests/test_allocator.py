"""keep_freed_memory: applied once on glibc, harmless elsewhere; an explicit call, never a side
effect of importing course, and made by everything that trains or times."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from course import cli, gpu_check
from course.allocator import keep_freed_memory
from course.bench import run as bench_run

ROOT = Path(__file__).resolve().parent.parent
GLIBC = sys.platform.startswith("linux")

# Run first in a child: counts every mallopt that anything fetches from libc through ctypes
# (ctypes.CDLL caches a function on first access, so one count per library object).
SPY = """
import ctypes, json
mallopt_calls = []
class _Spy(ctypes.CDLL):
    def __getattr__(self, name):
        if name == "mallopt":
            mallopt_calls.append(name)
        return super().__getattr__(name)
ctypes.CDLL = _Spy
"""


def run_child(code: str, timeout: float = 120) -> list[dict]:
    """Run ``code`` after SPY in a fresh interpreter; the JSON lines it prints."""
    proc = subprocess.run(
        [sys.executable, "-c", SPY + code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def test_keep_freed_memory_is_idempotent_and_reports_what_it_did():
    first = keep_freed_memory()
    assert isinstance(first, bool)
    assert keep_freed_memory() == first
    if sys.platform.startswith("linux"):
        assert first  # glibc's mallopt is always there on these machines


def test_importing_the_framework_leaves_malloc_alone_until_asked():
    before, after = run_child(
        "import course, course.nn, course.functional, course.optim, course.data\n"
        "import course.allocator as a\n"
        "print(json.dumps({'done': a._done, 'calls': len(mallopt_calls)}))\n"
        "applied = course.keep_freed_memory()\n"
        "print(json.dumps({'done': a._done, 'calls': len(mallopt_calls), 'applied': applied}))\n"
    )
    assert before == {"done": False, "calls": 0}
    if GLIBC:  # the spy sees the explicit call, so it would have seen one at import
        assert after == {"done": True, "calls": 1, "applied": True}


def test_it_is_public_as_course_keep_freed_memory():
    import course

    assert course.keep_freed_memory is keep_freed_memory
    assert "keep_freed_memory" in course.__all__
    assert "explicit" in keep_freed_memory.__doc__


@pytest.mark.skipif(not GLIBC, reason="mallopt is glibc's")
def test_course_bench_applies_it():
    (before, after) = run_child(
        "import course.allocator as a\n"
        "from course.cli import main\n"
        "print(json.dumps({'done': a._done}))\n"
        "assert main(['bench', 'tiny', '--quick', '--repeat', '1']) == 0\n"
        "print(json.dumps({'done': a._done}))\n"
    )
    assert before == {"done": False} and after == {"done": True}


def test_course_bench_tunes_malloc_before_it_times(monkeypatch, capsys):
    events = []
    monkeypatch.setattr(bench_run, "keep_freed_memory", lambda: events.append("tune") or True)
    monkeypatch.setattr(bench_run, "run_training", lambda *a, **k: events.append("time") or [])
    assert cli.main(["bench", "tiny"]) == 0
    assert events == ["tune", "time"]


def test_the_gpu_check_tunes_malloc_before_its_bench(monkeypatch):
    events = []
    monkeypatch.setattr(gpu_check, "keep_freed_memory", lambda: events.append("tune") or True)
    monkeypatch.setattr(bench_run, "run_training", lambda *a, **k: events.append("time") or [])
    monkeypatch.setattr(bench_run, "run_matmul", lambda *a, **k: events.append("time") or [])
    gpu_check.run_bench(deadline=float("inf"))
    assert events[0] == "tune" and events.count("tune") == 1 and "time" in events


@pytest.mark.parametrize(
    "path",
    sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("solutions/*/*.md"))
    + ["benchmarks/numpy_floor.py", "benchmarks/profile_workload.py"],
)
def test_lessons_and_benchmark_scripts_make_the_call(path):
    """Every lesson times framework code, so its locked setup cell makes the call; so do the
    benchmark scripts (in main(), so that importing them, as a test does, changes nothing)."""
    text = (ROOT / path).read_text()
    if path.endswith(".md"):
        start = text.index("```{code-cell}")
        text = text[start : text.index("\n```\n", start)]
        assert '"grade_id": "setup"' in text
    assert "course.keep_freed_memory()" in text
