"""`course doctor --gpu-check`: every GPU check of the project, one command on a CUDA machine.

GPU machines are lent for minutes, so the check is prepared on a CPU and runs in one go:

1. ``pytest -m gpu tests/gpu``: the ops, layers and kernels on CuPy against NumPy, lesson 06's
   kernels and lesson 08's kernel on the real GPU, CUDA Graphs against eager;
2. the bench on the GPU at batch x1 and x16: ours eager, ours graphed (`course.cuda.graphed`),
   torch eager and torch with CUDA graphs, the kernels each eager step launches (torch's
   profiler), then the matmul sizes;
3. the same workloads on this host's CPU, ours and torch's, so the CPU->GPU speed-up is
   measured on one machine.

Each step has a time limit (a subprocess killed at its limit) and the whole stays under
5 minutes on one H100. The results file is rewritten after every step and every bench row
(``complete`` stays false until the end), so a run cut short still returns its data. It
installs nothing and needs no network. The file's schema is in benchmarks/README.md;
`load_results` reads it and the first (2026-11-26) file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

from course import backend, machine
from course.allocator import keep_freed_memory
from course.repo import find_root

# The course repository (its tests/ and benchmarks/results/), or the current folder outside one.
ROOT = find_root() or Path.cwd()
SCHEMA = 2
SCALES = (1, 16)
MATMUL_SIZES = (256, 512, 1024, 2048, 4096)
REPEAT = 10  # samples per round and side on the GPU (3 rounds); a sample is >= 10 ms of steps
CPU_REPEAT = 5  # the host CPU at x16 takes up to a few hundred ms a step
BUDGET_S = 280.0  # the whole check; with the start-up it stays under 5 minutes
# Per-step limits (seconds): the step's subprocess is killed there; what it wrote stays. The
# last step, the host CPU's bench, gets what the others left of the budget (>= 70 s).
LIMITS: dict[str, float | None] = {"gpu_tests": 110.0, "bench_cuda": 100.0, "bench_cpu": None}
ROW = "ROW "  # a bench worker's result line on stdout: ROW {json}

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


# ---------------------------------------------------------------- step 1: pytest -m gpu
def run_gpu_tests(timeout: float = 110.0) -> dict:
    """``pytest -m gpu`` on tests/gpu in a subprocess; counts read from its JUnit XML report."""
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
            "error": f"pytest -m gpu did not finish in {timeout:.0f} s",
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


# ---------------------------------------------------------------- steps 2-3: the bench
def worker_command(device: str, repeat: int) -> list[str]:
    """The bench worker for one device: one ROW line per (workload, scale) as it finishes."""
    return [sys.executable, "-m", "course.gpu_check", "--device", device, "--repeat", str(repeat)]


def run_phase(cmd: list[str], limit: float, on_row: Callable[[dict], None]) -> dict:
    """Run a bench worker; hand each ROW to ``on_row`` as it comes; kill it at ``limit`` s."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True, bufsize=1)
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    status = "ok"
    while True:
        left = limit - (time.perf_counter() - start)
        try:
            line = lines.get(timeout=max(left, 0.0))
        except queue.Empty:
            proc.kill()
            status = "timeout"
            break
        if line is None:
            break
        if line.startswith(ROW):
            on_row(json.loads(line[len(ROW) :]))
    code = proc.wait()
    if status == "ok" and code != 0:
        status = "error"
    return {"status": status, "returncode": code, "seconds": round(time.perf_counter() - start, 1)}


def _loss(x) -> float:
    """A step's loss as a float, ours or torch's."""
    if hasattr(x, "detach") and not hasattr(x, "array"):  # torch
        return float(x.detach().cpu().sum())
    return float(backend.to_numpy(getattr(x, "array", x)).sum())


def _timed_graphed(name: str, device: str, scale: int, repeat: int) -> dict:
    """Ours graphed against torch with CUDA graphs, on a fresh pair (fresh, equal weights).

    Either capture may be refused (ours: a matmul, see course/cuda_graphs.py; torch: e.g.
    AdamW without ``capturable``): the row then says why and times the other one alone.
    """
    from course.bench import compare, measure
    from course.bench import workloads as W
    from course.cuda_graphs import GraphCaptureError, graphed, torch_graphed

    pair = W.TRAINING[name](device=device, scale=scale)
    row: dict = {}
    timing = dict(warmup=3, repeat=repeat, min_sample_time=10e-3)
    torch_step = ours_step = None
    try:
        torch_step = torch_graphed(pair.torch)
    except Exception as e:  # noqa: BLE001 - torch's refusal is a result too
        row["torch_graphed_error"] = f"{type(e).__name__}: {e}"[:500]
    try:
        ours_step = graphed(pair.ours)
    except GraphCaptureError as e:
        row["ours_graphed_error"] = str(e)
    if ours_step and torch_step:
        # Both took 3 warm-up steps from the same weights: the next step's losses must agree.
        ours_loss, torch_loss = _loss(ours_step()), _loss(torch_step())
        agree = abs(ours_loss - torch_loss) <= pair.rtol * abs(torch_loss) + 1e-5
        result = compare(
            ours_step, torch_step, rounds=3, device=device, reference_device="torch-cuda", **timing
        )
        row.update(
            ours_graphed_ms=1e3 * result["ours"].median,
            torch_graphed_ms=1e3 * result["torch"].median,
            graphed_ratio=result["ratio"],
            graphed_spread=result["spread"],
            graphed_losses=[ours_loss, torch_loss],
            graphed_losses_agree=agree,
        )
    elif ours_step:
        row["ours_graphed_ms"] = 1e3 * measure(ours_step, device=device, **timing).median
    elif torch_step:
        row["torch_graphed_ms"] = 1e3 * measure(torch_step, device="torch-cuda", **timing).median
    return row


def with_best(row: dict) -> dict:
    """Add the better of ours eager and ours graphed, labelled, and its ratio to torch eager."""
    if "ours_ms" not in row or "torch_ms" not in row:
        return row
    graphed = row.get("ours_graphed_ms")
    best = "graphed" if graphed is not None and graphed < row["ours_ms"] else "eager"
    best_ms = graphed if best == "graphed" else row["ours_ms"]
    return {
        **row,
        "best_ours": best,
        "best_ours_ms": best_ms,
        "best_ratio": best_ms / row["torch_ms"],
    }


def kernels_per_step(step: Callable[[], object], steps: int = 3) -> float:
    """GPU kernels one call of ``step`` launches, averaged over ``steps`` calls after a warm one.

    Counted by torch's profiler, whose CUPTI tracing sees every kernel the process runs on the
    device, whichever library launched it (CuPy's, Numba's, cuBLAS's, torch's). Memory copies
    and sets are not kernels and are not counted.
    """
    import torch
    from torch.profiler import ProfilerActivity, profile

    step()  # compilation, first allocations, optimizer state
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        for _ in range(steps):
            step()
        torch.cuda.synchronize()
    return count_kernels(prof.events()) / steps


def _kernel_counts(name: str, device: str, scale: int) -> dict:
    """Kernels per eager step of ours and of torch, on a fresh pair; or why they were not
    counted (the row keeps its timings either way)."""
    from course.bench import workloads as W

    try:
        pair = W.TRAINING[name](device=device, scale=scale)
        return {
            "ours_kernels_per_step": kernels_per_step(pair.ours),
            "torch_kernels_per_step": kernels_per_step(pair.torch),
        }
    except Exception as e:  # noqa: BLE001
        return {"kernels_error": f"{type(e).__name__}: {e}"[:500]}


def count_kernels(events) -> int:
    """How many of the profiler's ``events`` are kernels run on a CUDA device: events on the
    device whose name is not a memory copy or set (CUPTI names those "Memcpy ..." and
    "Memset ...")."""
    from torch.autograd import DeviceType

    return sum(
        1
        for e in events
        if e.device_type == DeviceType.CUDA and not e.name.startswith(("Memcpy", "Memset"))
    )


def bench_rows(device: str, scales=SCALES, names=None, repeat: int = REPEAT) -> Iterator[dict]:
    """One row per (workload, scale) on ``device``; a failure becomes a row with 'error'."""
    from course.bench import workloads as W
    from course.bench.run import run_matmul, run_training

    names = list(names or W.TRAINING)
    # The costly GPT rows last: a step cut short at its limit loses them, not the others.
    jobs = [(s, n) for s in scales for n in names if n != "gpt"]
    jobs += [(s, n) for s in scales for n in names if n == "gpt"]
    for scale, name in jobs:
        row: dict = {"workload": name, "scale": scale, "device": device}
        try:
            [eager] = run_training([name], device, scale, repeat)
            row.update(eager)
            if device == "cuda":
                try:
                    row.update(_timed_graphed(name, device, scale, repeat))
                except Exception as e:  # noqa: BLE001 - eager numbers stay
                    row["graphed_error"] = f"{type(e).__name__}: {e}"
                if scale == min(scales):  # the same ops at every batch size: counted once
                    row.update(_kernel_counts(name, device, scale))  # after the timings
        except Exception as e:  # noqa: BLE001 - record it and go on
            row["error"] = f"{type(e).__name__}: {e}"
        yield with_best(row)
    if device == "cuda":
        try:
            for row in run_matmul(MATMUL_SIZES, device, repeat=max(2, repeat // 2)):
                yield {**row, "scale": 1, "device": device}
        except Exception as e:  # noqa: BLE001
            yield {"workload": "matmul", "scale": 1, "device": device, "error": f"{e}"}


def run_bench(
    deadline: float = float("inf"),
    device: str = "cuda",
    scales=SCALES,
    names=None,
    repeat: int = REPEAT,
    emit: Callable[[dict], None] = lambda row: None,
) -> list[dict]:
    """Every bench row on ``device``, each handed to ``emit`` as it is measured; no row starts
    after ``deadline`` (a perf_counter time). The check's hard limit is its kill of the worker."""
    keep_freed_memory()  # as `course bench` does: the host side of each step allocates too
    rows = []
    for row in bench_rows(device, scales, names, repeat):
        rows.append(row)
        emit(row)
        if time.perf_counter() > deadline:
            break
    return rows


def worker(argv: list[str] | None = None) -> int:
    """``python -m course.gpu_check --device D``: print each bench row as it is measured."""
    parser = argparse.ArgumentParser(prog="python -m course.gpu_check")
    parser.add_argument("--device", choices=("cuda", "cpu"), required=True)
    parser.add_argument("--repeat", type=int, default=REPEAT)
    parser.add_argument("--scales", type=int, nargs="+", default=list(SCALES))
    parser.add_argument("--workloads", nargs="+")
    args = parser.parse_args(argv)

    def emit(row: dict) -> None:
        print(ROW + json.dumps(row, default=str), flush=True)
        print(f"  bench {args.device} {row['workload']} x{row['scale']}: done", file=sys.stderr)

    run_bench(device=args.device, scales=args.scales, names=args.workloads, repeat=args.repeat,
              emit=emit)  # fmt: skip
    return 0


# ---------------------------------------------------------------- the results file
class Results:
    """The results file, rewritten whole (atomically) after every step and every row."""

    def __init__(self, path: Path, facts: dict, now: dt.datetime):
        self.path = path
        self.data: dict = {
            "schema": SCHEMA,
            "date": now.isoformat(timespec="seconds"),
            "device": "cuda",
            "scale": list(SCALES),
            "machine": facts,
            "gpu": facts.get("gpu_details"),
            "complete": False,
            "steps": {},
            "tests": {},
            "results": [],
        }

    def step(self, name: str, **info) -> None:
        self.data["steps"][name] = {**self.data["steps"].get(name, {}), **info}
        self.write()

    def add_row(self, row: dict) -> None:
        self.data["results"].append(row)
        self.write()

    def write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(self.data, indent=2, default=str) + "\n")
        os.replace(tmp, self.path)  # a run killed mid-write keeps the last whole file


def main(
    out: str | None = None, *, cuda_available=backend.cuda_available, budget: float = BUDGET_S
) -> int:
    """Run the check; 0 when every GPU test passed, every step finished and every row ran."""
    if not cuda_available():
        smi = machine.nvidia_smi()
        why = f"nvidia-smi sees {smi[0]}, but CuPy cannot use it" if smi else "no CUDA device"
        print(NO_CUDA.format(why=why), file=sys.stderr)
        return 2
    start = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    facts = {**machine.facts(), "gpu_details": machine.gpu_details()}
    path = Path(out) if out else default_path(facts.get("gpu"), now.date())
    results = Results(path, facts, now)
    results.write()
    print(f"GPU check: writing {path} as it goes (budget {budget:.0f} s)", flush=True)

    def limit(name: str) -> float:
        left = budget - (time.perf_counter() - start)
        cap = LIMITS[name]
        return left if cap is None else min(cap, left)

    print("GPU check 1/3: pytest -m gpu ...", flush=True)
    results.step("gpu_tests", status="running", limit_s=round(limit("gpu_tests"), 1))
    tests = run_gpu_tests(limit("gpu_tests"))
    output = tests.pop("output", "")
    if tests_failed(tests):
        # The JSON keeps 2000 characters; a first failing run on a new card needs every
        # traceback, so pytest's whole output goes next to it.
        log = path.with_name(path.stem + ".pytest.log")
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(output or "(pytest printed nothing)\n")
        tests["log"] = log.name
        print(f"GPU tests failed: pytest's full output is in {log}", flush=True)
    results.data["tests"] = tests
    status = "timeout" if "did not finish" in tests.get("error", "") else None
    status = status or ("failed" if tests_failed(tests) else "ok")
    results.step("gpu_tests", status=status, seconds=tests.get("seconds"))
    print(f"  {json.dumps({k: v for k, v in tests.items() if k != 'tail'})}", flush=True)

    for n, (name, device, repeat) in enumerate(
        (("bench_cuda", "cuda", REPEAT), ("bench_cpu", "cpu", CPU_REPEAT)), start=2
    ):
        left = limit(name)
        print(f"GPU check {n}/3: bench on {device}, x1 and x16 ({left:.0f} s at most) ...")
        if left <= 1:
            results.step(name, status="skipped", detail="time budget spent")
            continue
        results.step(name, status="running", limit_s=round(left, 1))
        try:
            phase = run_phase(worker_command(device, repeat), left, results.add_row)
        except Exception as e:  # noqa: BLE001 - the next step may still run
            phase = {"status": "error", "detail": f"{type(e).__name__}: {e}"}
        results.step(name, **phase)
    results.data["complete"] = True
    results.data["check_seconds"] = round(time.perf_counter() - start, 1)
    results.write()
    print(f"wrote {path} in {results.data['check_seconds']} s")
    steps_ok = all(s.get("status") == "ok" for s in results.data["steps"].values())
    rows_ok = not any("error" in r for r in results.data["results"])
    return 0 if steps_ok and rows_ok else 1


# ---------------------------------------------------------------- reading results files
def load_results(path: str | Path) -> dict:
    """A GPU results file in the current schema, whatever schema wrote it.

    Schema 1 (the first file, 2026-11-26) has no ``schema`` key, no per-row ``device`` and
    eager rows only; each row gets ``device`` from the payload. Rows are dicts with at least
    ``workload``, ``scale`` and ``device``; key them with `row_key`, never by workload alone
    (an x16 row would overwrite the x1 row).
    """
    data = json.loads(Path(path).read_text())
    schema = data.get("schema", 1)
    if schema > SCHEMA:
        raise ValueError(f"{path}: schema {schema} is newer than this course ({SCHEMA})")
    default_scale = data.get("scale", 1)
    default_scale = default_scale if isinstance(default_scale, int) else 1
    rows = []
    for row in data.get("results", []):
        if "workload" not in row:
            continue
        row = {"scale": default_scale, "device": data.get("device", "cuda"), **row}
        rows.append(with_best(row) if "best_ratio" not in row else row)
    return {**data, "schema": schema, "results": rows, "complete": data.get("complete", True)}


def row_key(row: dict) -> tuple[str, int, str]:
    """(workload, scale, device): what identifies a row of a results file."""
    return (row["workload"], int(row["scale"]), row["device"])


def newest_results(folder: str | Path | None) -> tuple[dict, Path] | None:
    """The newest readable ``gpu-*.json`` in ``folder`` (by its date field), loaded."""
    if folder is None or not Path(folder).is_dir():
        return None
    found = []
    for path in Path(folder).glob("gpu-*.json"):
        try:
            found.append((load_results(path), path))
        except (OSError, ValueError, KeyError) as e:
            print(f"could not read {path}: {e}; skipped", file=sys.stderr)
    if not found:
        return None
    return max(found, key=lambda pair: str(pair[0].get("date", "")))


if __name__ == "__main__":
    sys.exit(worker())
