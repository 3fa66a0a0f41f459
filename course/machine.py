"""Facts about this machine that speed numbers depend on: CPU, BLAS, threads, GPU, versions."""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata

from course import backend


def cpu_model() -> str:
    """The CPU's marketing name (from /proc/cpuinfo on Linux)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_info() -> list[dict]:
    """BLAS/OpenMP libraries loaded by NumPy (and torch): library, kernel, threads."""
    import numpy  # noqa: F401 - loads the BLAS library threadpoolctl inspects
    import threadpoolctl

    return [
        {
            "api": info.get("internal_api"),
            "library": os.path.basename(info.get("filepath", "")),
            "version": info.get("version"),
            "kernel": info.get("architecture"),
            "threads": info.get("num_threads"),
        }
        for info in threadpoolctl.threadpool_info()
    ]


def numpy_blas() -> dict:
    """The BLAS NumPy uses (the first blas entry that lives inside numpy's own folder)."""
    for info in blas_info():
        if info["api"] in ("openblas", "mkl", "blis", "accelerate"):
            return info
    return {}


def version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def gpu_name() -> str | None:
    if not backend.cuda_available():
        return None
    props = backend.cp.cuda.runtime.getDeviceProperties(0)
    name = props["name"]
    return name.decode() if isinstance(name, bytes) else name


def cupy_version() -> str | None:
    """CuPy's version, whichever wheel provides it (cupy-cuda12x, cupy-cuda13x, cupy)."""
    if backend.cp is not None:
        return backend.cp.__version__
    for name in ("cupy-cuda13x", "cupy-cuda12x", "cupy-cuda11x", "cupy"):
        if found := version(name):  # installed, but the import failed
            return found
    return None


def logical_cpus() -> int:
    """The logical CPUs this process may run on (its affinity, not the whole machine)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def physical_cores() -> int | None:
    """Distinct physical cores under this process's logical CPUs (SMT siblings count once),
    from Linux's CPU topology; None where the system does not say."""
    if not hasattr(os, "sched_getaffinity"):
        return None
    cores = set()
    for cpu in os.sched_getaffinity(0):
        topology = f"/sys/devices/system/cpu/cpu{cpu}/topology"
        try:
            with open(f"{topology}/physical_package_id") as package:
                with open(f"{topology}/core_id") as core:
                    cores.add((package.read().strip(), core.read().strip()))
        except OSError:
            return None
    return len(cores) or None


def describe_cores() -> str:
    """Say "2 logical CPUs on 1 physical core", or the logical count alone when unknown."""
    logical, physical = logical_cpus(), physical_cores()
    text = f"{logical} logical CPU{'s' if logical != 1 else ''}"
    if physical:
        text += f" on {physical} physical core{'s' if physical != 1 else ''}"
    return text


def facts() -> dict:
    """Everything a benchmark result should carry to be comparable."""
    import torch

    blas = numpy_blas()
    return {
        "cpu": cpu_model(),
        "logical_cpus": logical_cpus(),
        "physical_cores": physical_cores(),
        "python": sys.version.split()[0],
        "numpy": version("numpy"),
        "torch": version("torch"),
        "cupy": cupy_version(),
        "blas": blas.get("library"),
        "blas_kernel": blas.get("kernel"),
        "blas_threads": blas.get("threads"),
        "torch_threads": torch.get_num_threads(),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
        "gpu": gpu_name(),
        "platform": platform.platform(),
    }


def memory() -> dict[str, int]:
    """Total and available RAM in bytes (``/proc/meminfo``; elsewhere total only, if known)."""
    found: dict[str, int] = {}
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in ("MemTotal", "MemAvailable"):
                    found["total" if key == "MemTotal" else "available"] = (
                        int(rest.split()[0]) * 1024
                    )
    except OSError:
        try:
            found["total"] = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError, AttributeError):
            pass
    return found


def gpu_details() -> dict | None:
    """The first CUDA device as CuPy sees it: name, memory, compute capability, CUDA versions."""
    if not backend.cuda_available():
        return None
    runtime = backend.cp.cuda.runtime
    props = runtime.getDeviceProperties(0)

    def cuda_version(v: int) -> str:
        return f"{v // 1000}.{v % 1000 // 10}"

    return {
        "name": gpu_name(),
        "memory_gb": round(props["totalGlobalMem"] / 2**30, 1),
        "compute_capability": f"{props['major']}.{props['minor']}",
        "cuda_runtime": cuda_version(runtime.runtimeGetVersion()),
        "cuda_driver": cuda_version(runtime.driverGetVersion()),
        "devices": runtime.getDeviceCount(),
    }


def nvidia_smi() -> list[str] | None:
    """``name, driver, memory`` per NVIDIA GPU from nvidia-smi; None when there is no driver."""
    import shutil
    import subprocess

    exe = shutil.which("nvidia-smi")
    if exe is None:
        return None
    query = "--query-gpu=name,driver_version,memory.total"
    try:
        out = subprocess.run(
            [exe, query, "--format=csv,noheader"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = [line.strip() for line in out.stdout.splitlines() if line.strip()]
    return lines if out.returncode == 0 and lines else None
