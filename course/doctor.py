"""`course doctor`: what this machine has for the course, and the one command for each gap."""

from __future__ import annotations

import os
import sys

from course import backend, machine

INSTALL_TORCH = (
    "pip install torch==2.13.0  (the CPU wheel; any newer torch must be a CPU build too)"
)


def checks() -> list[tuple[str, str, str | None]]:
    """(what, found, fix) rows; ``fix`` is None when nothing needs doing."""
    rows: list[tuple[str, str, str | None]] = []
    py = sys.version.split()[0]
    rows.append(("Python", py, None if sys.version_info >= (3, 11) else "install Python 3.11+"))
    rows.append(("CPU", f"{machine.cpu_model()} ({os.cpu_count()} cores)", None))

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

    torch_version = machine.version("torch")
    if torch_version:
        import torch

        rows.append(("PyTorch", f"{torch_version}, {torch.get_num_threads()} threads", None))
    else:
        rows.append(
            ("PyTorch", "missing (needed as the speed and correctness oracle)", INSTALL_TORCH)
        )

    cupy_version = machine.version("cupy-cuda12x") or machine.version("cupy")
    if backend.cuda_available():
        rows.append(("GPU", f"{machine.gpu_name()} via CuPy {cupy_version}", None))
    elif cupy_version:
        rows.append(
            ("GPU", f"CuPy {cupy_version} installed, but no CUDA device usable", "nvidia-smi")
        )
    else:
        rows.append(
            (
                "GPU",
                "none (lessons 06-07 run their CPU path and show recorded GPU numbers)",
                "on a machine with an NVIDIA GPU and CUDA 12: pip install -e '.[gpu]'",
            )
        )
    for dist in ("jupyterlab", "nbgrader", "ipywidgets", "jupytext", "matplotlib", "tqdm"):
        found = machine.version(dist)
        rows.append((dist, found or "missing", None if found else f"pip install {dist}"))
    return rows


def main() -> int:
    rows = checks()
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
