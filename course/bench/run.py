"""`course bench`: run the workloads, print the table, write JSON and a plot."""

from __future__ import annotations

import datetime as dt
import json
import os
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


def write_json(path: str | Path, rows: list[dict], device: str, scale: int) -> None:
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
