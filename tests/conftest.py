"""Shared pytest setup: `tests/` is on sys.path, so test modules import `strategies`."""

import numpy as np
import pytest

import course
from course import cudasim

# Before anything imports numba.cuda (Numba reads the switch once): without a GPU, lesson 06's
# kernels and their tests run in Numba's CUDA simulator, here and in every process started here.
cudasim.setup()


@pytest.fixture(autouse=True)
def _seed():
    """Every test starts from the same course and NumPy random state."""
    course.manual_seed(0)
    np.random.seed(0)


def pytest_terminal_summary(terminalreporter):
    """Say how many GPU tests did not run, so a green CPU run never hides them."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "gpu" in r.keywords]
    if skipped:
        terminalreporter.write_line(f"GPU tests: {len(skipped)} skipped (no CUDA)")
