"""Shared pytest setup: `tests/` is on sys.path, so test modules import `strategies`."""

import numpy as np
import pytest

import course


@pytest.fixture(autouse=True)
def _seed():
    """Every test starts from the same course and NumPy random state."""
    course.manual_seed(0)
    np.random.seed(0)
