"""`course doctor --gpu-check`: the prepared GPU check, one command on a CUDA machine.

It runs the `gpu` tests (``pytest -m gpu`` in a subprocess, this interpreter), then
``course bench --device cuda`` at scale 1 and 16 (mlp, cnn, lstm, tiny, matmul), and writes
``benchmarks/results/gpu-<card>-<date>.json``: test counts, bench rows, machine facts.
It installs nothing and needs no network; with few repeats it fits in 5 minutes on one
H100. Without CUDA it exits non-zero and says why.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from course import backend, machine
from course.allocator import keep_freed_memory
from course.repo import find_root

# The course repository (its tests/ and benchmarks/results/), or the current folder outside one.
ROOT = find_root() or Path.cwd()
SCALES = (1, 16)
TRAINING = ("mlp", "cnn", "lstm", "tiny")
MATMUL_SIZES = (256, 512, 1024, 2048, 4096)
REPEAT = 10  # samples per round and side (3 rounds): the whole check took 43 s with 3
BUDGET_S = 270.0  # stop starting bench work after this, so the whole check stays under 5 min
TEST_TIMEOUT_S = 240  # lesson 06 on the GPU compiles each of its kernels once

NO_CUDA = (
    "course doctor --gpu-check: no usable CUDA GPU here ({why}). The check needs an NVIDIA "
    "GPU with CuPy installed (pip install -e '.[gpu]'); `course doctor` says what is missing. "
    "Nothing was run and no results file was written."
)


def card_slug(name: str | None) -> str:
    """'NVIDIA H100 80GB HBM3' -> 'nvidia-h100-80gb-hbm3' (safe in a file name)."""
    return re.sub(r"[^a-z0-9]+", "-", (name or "unknown-gpu").lower()).strip("-")


def default_path(card: str | None, date: dt.date, root: Path = ROOT) -> Path:
    return root / "benchmarks" / "results" / f"gpu-{card_slug(card)}-{date.isoformat()}.json"


def run_gpu_tests(timeout: float = TEST_TIMEOUT_S) -> dict:
    """``pytest -m gpu`` on tests/ in a subprocess; counts read from its JUnit XML report."""
    tests = ROOT / "tests"  # every gpu-marked test lives in tests/gpu
    if not tests.is_dir():
        return {"error": f"no tests folder at {tests} (run from the course repository)"}
    report = ROOT / "benchmarks" / "results" / ".gpu-tests.xml"
    report.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pytest", "-m", "gpu", "-q", "-p", "no:cacheprovider"]
    cmd += [str(tests / "gpu"), f"--junitxml={report}"]
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        report.unlink(missing_ok=True)
        return {
            "error": f"pytest -m gpu did not finish in {timeout} s",
            "output": _text(e.stdout) + _text(e.stderr),
        }
    result = {"returncode": proc.returncode, "seconds": round(time.perf_counter() - start, 1)}
    result.update(junit_counts(report) if report.is_file() else {"error": "no pytest report"})
    result["tail"] = proc.stdout[-2000:]
    result["output"] = proc.stdout + proc.stderr  # main() keeps it in a log when tests fail
    report.unlink(missing_ok=True)
    return result


def _text(out) -> str:
    """A subprocess's captured output as text (a timeout hands it over as bytes or None)."""
    if isinstance(out, bytes):
        return out.decode(errors="replace")
    return out or ""


def tests_failed(tests: dict) -> bool:
    return "error" in tests or tests.get("failed", 1) != 0 or tests.get("errors", 1) != 0


def junit_counts(path: Path) -> dict:
    """passed/failed/errors/skipped/total from a pytest JUnit XML file."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    counts = {k: sum(int(s.get(k, 0)) for s in suites) for k in ("tests", "failures", "errors")}
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    total = counts["tests"]
    failed, errors = counts["failures"], counts["errors"]
    return {
        "total": total,
        "passed": total - failed - errors - skipped,
        "failed": failed,
        "errors": errors,
        "skipped": skipped,
    }


def run_bench(deadline: float, repeat: int = REPEAT) -> list[dict]:
    """Bench rows on CUDA, one workload at a time; a failure becomes a row with 'error'."""
    from course.bench.run import run_matmul, run_training

    keep_freed_memory()  # as `course bench` does: the host side of each step allocates too
    jobs: list[tuple[str, int, Callable[[], list[dict]]]] = []
    for scale in SCALES:
        for name in TRAINING:
            jobs.append((name, scale, lambda n=name, s=scale: run_training([n], "cuda", s, repeat)))
    jobs.append(("matmul", 1, lambda: run_matmul(MATMUL_SIZES, "cuda", repeat=repeat)))
    rows = []
    for name, scale, job in jobs:
        if time.perf_counter() > deadline:
            rows.append({"workload": name, "scale": scale, "error": "skipped: time budget"})
            continue
        try:
            rows += [{**row, "scale": scale} for row in job()]
        except Exception as e:  # noqa: BLE001 - record it and go on to the next workload
            rows.append({"workload": name, "scale": scale, "error": f"{type(e).__name__}: {e}"})
        print(f"  bench {name} x{scale}: done", flush=True)
    return rows


def payload(tests: dict, rows: list[dict], facts: dict, seconds: float, now: dt.datetime) -> dict:
    """The results file: course.bench.run.write_json's fields plus the test counts."""
    return {
        "date": now.isoformat(timespec="seconds"),
        "device": "cuda",
        "scale": list(SCALES),
        "machine": facts,
        "gpu": facts.get("gpu_details"),
        "tests": tests,
        "results": rows,
        "check_seconds": round(seconds, 1),
    }


def main(out: str | None = None, *, cuda_available=backend.cuda_available) -> int:
    """Run the check; 0 when every GPU test passed and every bench row ran."""
    if not cuda_available():
        smi = machine.nvidia_smi()
        why = f"nvidia-smi sees {smi[0]}, but CuPy cannot use it" if smi else "no CUDA device"
        print(NO_CUDA.format(why=why), file=sys.stderr)
        return 2
    start = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    print("GPU check 1/2: pytest -m gpu ...", flush=True)
    tests = run_gpu_tests()
    output = tests.pop("output", "")
    print(f"  {json.dumps({k: v for k, v in tests.items() if k != 'tail'})}", flush=True)
    print("GPU check 2/2: course bench --device cuda, scales 1 and 16 ...", flush=True)
    rows = run_bench(start + BUDGET_S)
    facts = {**machine.facts(), "gpu_details": machine.gpu_details()}
    path = Path(out) if out else default_path(facts.get("gpu"), now.date())
    if tests_failed(tests):
        # The JSON keeps 2000 characters; the first failing run on a new card needs every
        # traceback, so pytest's whole output goes next to it.
        log = path.with_name(path.stem + ".pytest.log")
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(output or "(pytest printed nothing)\n")
        tests["log"] = log.name
        print(f"GPU tests failed: pytest's full output is in {log}", flush=True)
    write(path, payload(tests, rows, facts, time.perf_counter() - start, now))
    print(f"wrote {path}")
    return 0 if not tests_failed(tests) and not any("error" in r for r in rows) else 1


def write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
