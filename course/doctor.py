"""`course doctor`: what this machine has for the course, and the one command for each gap."""

from __future__ import annotations

import json
import os
import sys

from course import machine
from course.repo import find_root

LESSON_MEMORY_GB = 1.5  # each lesson's peak memory budget (the tests check it)
TOOLS = (
    "jupyterlab",
    "ipywidgets",
    "jupyterlab_widgets",
    "matplotlib",
    "tqdm",
)
Row = tuple[str, str, "str | None"]


def pins() -> dict[str, str]:
    """``binder/requirements.txt``'s pins, when this package runs from the course repository."""
    root = find_root()
    path = root / "binder" / "requirements.txt" if root else None
    if path is None or not path.is_file():
        return {}
    lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
    return {n.lower(): v for n, _, v in (line.partition("==") for line in lines) if v}


def install(dist: str) -> str:
    """The pip command that installs ``dist`` at the course's pinned version."""
    version = pins().get(dist.lower().replace("_", "-")) or pins().get(dist.lower())
    if dist == "torch":
        version = version or "2.13.0"
        return (
            f"pip install torch=={version.removesuffix('+cpu')} "
            "--index-url https://download.pytorch.org/whl/cpu"
        )
    return f"pip install {dist}=={version}" if version else f"pip install {dist}"


def _gb(n: int | None) -> str:
    return f"{n / 2**30:.1f} GB" if n else "unknown"


def memory_row() -> Row:
    mem = machine.memory()
    found = f"{_gb(mem.get('total'))} total, {_gb(mem.get('available'))} available"
    available = mem.get("available")
    if available is not None and available < LESSON_MEMORY_GB * 2**30:
        return (
            "Memory",
            found,
            f"close other programs: a lesson needs up to {LESSON_MEMORY_GB} GB",
        )
    return ("Memory", found, None)


def torch_row() -> Row:
    version = machine.version("torch")
    if not version:
        return ("PyTorch", "missing (the speed and correctness oracle)", install("torch"))
    import torch

    build = f"CUDA {torch.version.cuda} build" if torch.version.cuda else "CPU build"
    return ("PyTorch", f"{version}, {build}, {torch.get_num_threads()} threads", None)


def gpu_rows() -> list[Row]:
    cupy_version = machine.cupy_version()
    smi = machine.nvidia_smi()
    details = machine.gpu_details()
    if details:
        found = (
            f"{details['name']}, {details['memory_gb']} GB, compute {details['compute_capability']}"
            f"; CUDA runtime {details['cuda_runtime']}, driver supports {details['cuda_driver']}"
        )
        return [("GPU", found, None), ("CuPy", cupy_version or "?", None)]
    if smi:
        driver = f"{smi[0]} (nvidia-smi)"
        if cupy_version:
            return [
                (
                    "GPU",
                    f"{driver}; CuPy {cupy_version} cannot use it",
                    "pip install -e '.[gpu]' --force-reinstall",
                )
            ]
        return [("GPU", f"{driver}; CuPy missing", "pip install -e '.[gpu]'")]
    if cupy_version:
        return [
            ("GPU", f"CuPy {cupy_version} installed, but no CUDA device or driver", "nvidia-smi")
        ]
    return [
        (
            "GPU",
            "none (fine: lessons 06-07 run their CPU path and show recorded GPU numbers)",
            "optional, on a machine with an NVIDIA GPU and CUDA 12: pip install -e '.[gpu]'",
        )
    ]


def checks() -> list[Row]:
    """(what, found, fix) rows; ``fix`` is None when nothing needs doing."""
    rows: list[Row] = []
    py = sys.version.split()[0]
    rows.append(("Python", py, None if sys.version_info >= (3, 11) else "install Python 3.11+"))
    rows.append(("CPU", f"{machine.cpu_model()} ({machine.describe_cores()})", None))
    rows.append(memory_row())

    blas = machine.numpy_blas()
    blas_text = (
        f"{blas.get('library')} {blas.get('version')}, kernel {blas.get('kernel')}, "
        f"{blas.get('threads')} threads"
        if blas
        else "not found"
    )
    rows.append((f"NumPy {machine.version('numpy')} BLAS", blas_text, None))
    coretype = os.environ.get("OPENBLAS_CORETYPE")
    if coretype:
        rows.append(
            (
                "OPENBLAS_CORETYPE",
                f"{coretype} (forces a BLAS kernel; may be slower than this CPU allows)",
                "for benchmarks: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE course bench",
            )
        )
    rows.append(torch_row())
    rows.extend(gpu_rows())
    for dist in TOOLS:
        found = machine.version(dist)
        rows.append((dist, found or "missing", None if found else install(dist)))
    return rows


def main(as_json: bool = False) -> int:
    rows = checks()
    if as_json:
        print(json.dumps([{"what": w, "found": f, "fix": x} for w, f, x in rows], indent=1))
        return 0
    return report(rows)


def report(rows: list[Row]) -> int:
    """Print the rows, a fix under each gap, and how many gaps there are."""
    width = max(len(what) for what, _, _ in rows)
    gaps = 0
    for what, found, fix in rows:
        mark = "ok " if fix is None else "-> "
        print(f"{mark}{what:<{width}}  {found}")
        if fix:
            gaps += 1
            print(f"   {'':<{width}}  fix: {fix}")
    print(f"\n{gaps} thing(s) to fix." if gaps else "\nAll set.")
    return 0
