"""`course bench`: run the workloads, print the table, write JSON and a plot."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np

from course import backend, machine
from course.allocator import keep_freed_memory
from course.bench import NOISY_SPREAD, Timing, compare, format_ratio, measure
from course.bench import workloads as W


def _value(x) -> float:
    """A number that summarises a step's result (a loss, or the sum of a matrix)."""
    data = getattr(x, "array", x)  # a course Tensor's raw array
    if hasattr(x, "detach") and not hasattr(x, "array"):  # torch
        data = x.detach().cpu().numpy()
    return float(np.asarray(backend.to_numpy(data), dtype=np.float64).sum())


def check_twins(name: str, pair: W.Pair) -> tuple[float, float]:
    """Run one step of each twin and insist that they compute the same thing."""
    ours, theirs = _value(pair.ours()), _value(pair.torch())
    if not np.isclose(ours, theirs, rtol=pair.rtol, atol=1e-5):
        raise AssertionError(f"{name}: ours gives {ours!r} but torch gives {theirs!r}")
    return ours, theirs


def _row(name: str, description: str, result: dict) -> dict:
    ours: Timing = result["ours"]
    torch: Timing = result["torch"]
    return {
        "workload": name,
        "description": description,
        "ours_ms": 1e3 * ours.median,
        "torch_ms": 1e3 * torch.median,
        "ratio": result["ratio"],
        "ours_spread": ours.spread,
        "torch_spread": torch.spread,
        "samples": len(ours.times),
    }


def run_training(names, device="cpu", scale=1, repeat=10, rounds=3) -> list[dict]:
    rows = []
    torch_device = "torch-cuda" if device == "cuda" else "cpu"
    # On the CPU a sample is one step. On a GPU a sample is several steps and ONE wait for
    # the device (>= 10 ms of work), as in a training loop that does not read the loss every
    # step: launches queue while the GPU works, and the wait's latency is shared.
    on_gpu = device != "cpu"
    for name in names:
        pair = W.TRAINING[name](device=device, scale=scale)
        check_twins(name, pair)
        result = compare(
            pair.ours,
            pair.torch,
            name=name,
            warmup=3,
            repeat=repeat,
            rounds=rounds,
            device=device,
            reference_device=torch_device,
            number=None if name == "tiny" or on_gpu else 1,
            min_sample_time=10e-3 if on_gpu else 2e-3,
        )
        rows.append(_row(name, pair.description, result))
    return rows


def run_matmul(sizes=W.MATMUL_SIZES, device="cpu", repeat=5) -> list[dict]:
    rows = []
    torch_device = "torch-cuda" if device == "cuda" else "cpu"
    for n in sizes:
        pair = W.matmul(device, n)
        check_twins(f"matmul {n}", pair)
        result = compare(
            pair.ours, pair.torch, name=f"matmul{n}", warmup=2, repeat=repeat, rounds=2,
            device=device, reference_device=torch_device, number=1,
        )  # fmt: skip
        raw = measure(W.raw_matmul(device, n), warmup=2, repeat=2 * repeat, device=device, number=1)
        row = _row(f"matmul{n}", pair.description, result)
        flops = 2.0 * n**3
        row.update(
            n=n,
            raw_ms=1e3 * raw.median,
            ours_vs_raw=result["ours"].median / raw.median,
            ours_gflops=flops / result["ours"].median / 1e9,
            torch_gflops=flops / result["torch"].median / 1e9,
            raw_gflops=flops / raw.median / 1e9,
        )
        rows.append(row)
    return rows


def batch_of(description: str, scale: int) -> int:
    """The batch size a workload's description names ("..., batch 256"), else the scale."""
    found = re.search(r"batch (\d+)", description)
    return int(found.group(1)) if found else scale


_PEAK_CHILD = """
import sys
import course
from course.bench import workloads as W

def kib(field):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field))

course.keep_freed_memory()
pair = W.TRAINING[sys.argv[1]](device=sys.argv[2], scale=int(sys.argv[3]))
step = getattr(pair, sys.argv[4])
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # the peak (VmHWM) starts again from the resident memory now
before = kib("VmRSS:")
for _ in range(3):
    step()
print(1024 * (kib("VmHWM:") - before))
"""


def peak_step_memory(name: str, scale: int, twin: str, device: str = "cpu") -> float | None:
    """MB a training step adds to the process at its peak: one twin ("ours" or "torch") in a
    fresh process, peak resident memory over three steps minus the memory before the first.

    A fresh process, because both twins share one heap in `course bench` and a freed block
    is kept for reuse (course/allocator.py). None where /proc is absent (not Linux).
    """
    if device != "cpu" or not Path("/proc/self/clear_refs").exists():
        return None
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_CHILD, name, device, str(scale), twin],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(done.stdout.split()[-1]) / 2**20


def run_sweep(names, scales, device="cpu", repeat=10, memory=True) -> list[dict]:
    """Each workload at each batch scale: the training rows plus batch, time per sample, and
    (on the CPU) each twin's peak memory of a step."""
    rows = []
    for scale in scales:
        for row in run_training(names, device, scale, repeat=repeat):
            batch = batch_of(row["description"], scale)
            row.update(
                scale=scale,
                batch=batch,
                ours_us_per_sample=1e3 * row["ours_ms"] / batch,
                torch_us_per_sample=1e3 * row["torch_ms"] / batch,
            )
            if memory:
                row["ours_peak_mb"] = peak_step_memory(row["workload"], scale, "ours", device)
                row["torch_peak_mb"] = peak_step_memory(row["workload"], scale, "torch", device)
            rows.append(row)
    return rows


def format_sweep(rows: list[dict]) -> str:
    """Time per sample against batch, per workload; `vs first` is ours per sample over ours
    per sample at the smallest scale (1.00: the cost grows exactly with the work)."""
    lines = [
        f"{'workload':<10}{'scale':>6}{'batch':>7}{'ours us/sample':>16}{'torch us/sample':>17}"
        f"{'ours/torch':>12}{'vs first':>10}{'peak MB ours':>14}{'torch':>8}"
    ]
    first: dict[str, float] = {}
    for r in rows:
        base = first.setdefault(r["workload"], r["ours_us_per_sample"])
        mem_text = "".join(
            f"{'-':>{width}}" if r.get(key) is None else f"{r[key]:>{width}.0f}"
            for key, width in (("ours_peak_mb", 14), ("torch_peak_mb", 8))
        )
        spread = max(r["ours_spread"], r["torch_spread"])
        lines.append(
            f"{r['workload']:<10}{'x' + str(r['scale']):>6}{r['batch']:>7}"
            f"{r['ours_us_per_sample']:>16.1f}{r['torch_us_per_sample']:>17.1f}"
            f"{format_ratio(r['ratio']):>12}{r['ours_us_per_sample'] / base:>9.2f}x"
            f"{mem_text}{' *' if spread > NOISY_SPREAD else ''}"
        )
    return "\n".join(lines)


def plot_sweep(path: str | Path, rows: list[dict], title: str) -> None:
    """Time per sample against batch size, ours and torch, one panel per workload."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(r["workload"] for r in rows))
    fig, axes = plt.subplots(1, len(names), figsize=(4.5 * len(names), 3.6), squeeze=False)
    for ax, name in zip(axes[0], names):
        mine = [r for r in rows if r["workload"] == name]
        batches = [r["batch"] for r in mine]
        for key, label in (("ours_us_per_sample", "course"), ("torch_us_per_sample", "torch")):
            ax.plot(batches, [r[key] for r in mine], marker="o", label=label)
        ax.set_xscale("log", base=2)
        ax.set_ylim(bottom=0)
        ax.set_xlabel("batch size")
        ax.set_ylabel("microseconds per sample (flat is ideal)")
        ax.set_title(name)
        ax.legend()
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def blas_warning() -> str | None:
    """A warning when the environment forces a BLAS kernel other than the CPU's best."""
    forced = os.environ.get("OPENBLAS_CORETYPE")
    if forced:
        return (
            f"OPENBLAS_CORETYPE={forced} forces OpenBLAS's {forced} kernel (running: "
            f"{machine.numpy_blas().get('kernel')}); it may be slower than this CPU allows. "
            "For honest numbers run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE course bench"
        )
    return None


def format_table(rows: list[dict]) -> str:
    lines = [f"{'workload':<12}{'ours ms':>10}{'torch ms':>10}{'ours/torch':>12}{'spread':>9}"]
    noisy = []
    for r in rows:
        spread = max(r["ours_spread"], r["torch_spread"])
        flag = " *" if spread > NOISY_SPREAD else ""
        if flag:
            noisy.append(r["workload"])
        lines.append(
            f"{r['workload']:<12}{r['ours_ms']:>10.3f}{r['torch_ms']:>10.3f}"
            f"{format_ratio(r['ratio']):>12}{100 * spread:>8.0f}%{flag}"
        )
        if "raw_gflops" in r:
            lines[-1] += (
                f"   GFLOP/s ours {r['ours_gflops']:.0f}, numpy {r['raw_gflops']:.0f}, "
                f"torch {r['torch_gflops']:.0f}"
            )
    if noisy:
        rerun = " ".join(dict.fromkeys("matmul" if n.startswith("matmul") else n for n in noisy))
        lines.append(
            f"* noisy ({', '.join(noisy)}): the middle half of its samples spans more than "
            f"{100 * NOISY_SPREAD:.0f} % of the median, so do not trust that ratio. Something else "
            "used the CPU, or the CPU changed speed, while it ran: close other programs and run "
            f"`course bench {rerun}` again."
        )
    return "\n".join(lines)


def write_json(path: str | Path, rows: list[dict], device: str, scale: int | list) -> None:
    payload = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "device": device,
        "scale": scale,
        "machine": machine.facts(),
        "results": rows,
    }
    Path(path).write_text(json.dumps(payload, indent=2) + "\n")


def plot(path: str | Path, rows: list[dict], title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    training = [r for r in rows if "n" not in r]
    mm = [r for r in rows if "n" in r]
    fig, axes = plt.subplots(1, 2 if mm and training else 1, figsize=(11, 4), squeeze=False)
    ax = axes[0][0]
    if training:
        ax.bar([r["workload"] for r in training], [r["ratio"] for r in training], color="tab:blue")
        ax.axhline(1.0, color="black", lw=1, ls="--")
        ax.set_ylabel("time: ours / torch (lower is faster)")
        ax.set_title("Training step vs PyTorch")
        ax = axes[0][1] if mm else ax
    if mm:
        ns = [r["n"] for r in mm]
        for key, label in (
            ("ours_gflops", "course"),
            ("raw_gflops", "NumPy"),
            ("torch_gflops", "torch"),
        ):
            ax.plot(ns, [r[key] for r in mm], marker="o", label=label)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("N")
        ax.set_ylabel("GFLOP/s")
        ax.set_title("N x N float32 matmul")
        ax.legend()
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(args) -> int:
    device = backend.normalize_device(args.device)
    # Both twins run in this process, so torch gets the same malloc settings as ours: the
    # settings a training program calling it would have (see course/allocator.py).
    keep_freed_memory()
    warning = blas_warning()
    if warning:
        warnings.warn(warning, stacklevel=1)
        print(f"warning: {warning}\n")
    names = args.workloads or ["mlp", "cnn", "lstm", "gpt", "tiny", "matmul"]
    unknown = set(names) - set(W.TRAINING) - {"matmul"}
    if unknown:
        raise SystemExit(
            f"unknown workload(s) {sorted(unknown)}: choose from mlp cnn lstm gpt tiny matmul"
        )
    repeat = 3 if args.quick else args.repeat
    if getattr(args, "scales", None):
        return _sweep(args, [n for n in names if n != "matmul"], device, repeat)
    rows = run_training([n for n in names if n != "matmul"], device, args.scale, repeat=repeat)
    if "matmul" in names:
        sizes = (256, 512) if args.quick else W.MATMUL_SIZES
        rows += run_matmul(sizes, device, repeat=max(2, repeat // 2))
    facts = machine.facts()
    print(
        f"{facts['cpu']} | {machine.describe_cores()} | {facts['blas']} ({facts['blas_kernel']}, "
        f"{facts['blas_threads']} threads) | torch {facts['torch']} "
        f"({facts['torch_threads']} threads) | device {device}"
    )
    print(format_table(rows))
    if args.json:
        write_json(args.json, rows, device, args.scale)
        print(f"wrote {args.json}")
    if args.plot:
        plot(
            args.plot,
            rows,
            f"{facts['cpu']}, {device}, numpy {facts['numpy']}, torch {facts['torch']}",
        )
        print(f"wrote {args.plot}")
    return 0


def _sweep(args, names, device: str, repeat: int) -> int:
    """`course bench --scales 1 2 4 8`: time per sample against batch, and peak memory."""
    rows = run_sweep(names, args.scales, device, repeat=repeat, memory=not args.quick)
    facts = machine.facts()
    title = (
        f"{facts['cpu']} | {machine.describe_cores()} | {facts['blas']} ({facts['blas_threads']} "
        f"threads) | torch {facts['torch']} ({facts['torch_threads']} threads) | device {device}"
    )
    print(title)
    print(format_sweep(rows))
    if args.json:
        write_json(args.json, rows, device, args.scales)
        print(f"wrote {args.json}")
    if args.plot:
        plot_sweep(args.plot, rows, title)
        print(f"wrote {args.plot}")
    return 0
