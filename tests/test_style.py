"""The code stays in the style the project follows (../shared/STYLE.md): ruff's lint and format
with pyproject's line length, and mypy on the framework core (pyproject's [tool.mypy] files)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(tool: str, *args: str) -> subprocess.CompletedProcess:
    exe = BIN / tool if (BIN / tool).is_file() else shutil.which(tool)
    if exe is None:
        pytest.fail(f"{tool} is not installed: pip install -e '.[dev]'")
    return subprocess.run([str(exe), *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_check():
    proc = run("ruff", "check", "--no-cache", ".")
    assert proc.returncode == 0, f"ruff check found problems (ruff check --fix .):\n{proc.stdout}"


def test_ruff_format():
    proc = run("ruff", "format", "--check", "--no-cache", ".")
    assert proc.returncode == 0, f"not formatted (run `ruff format .`):\n{proc.stdout}"


def test_mypy_on_the_framework_core():
    proc = run("mypy", "--cache-dir", str(ROOT / ".mypy_cache"))
    assert proc.returncode == 0, f"mypy (files in pyproject's [tool.mypy]):\n{proc.stdout}"
