"""GPU tests: CuPy results against NumPy results. Skipped, and counted, without CUDA."""

import pytest

from course import backend


def pytest_collection_modifyitems(config, items):
    if backend.cuda_available():
        return
    skip = pytest.mark.skip(reason="skipped: no GPU")
    for item in items:
        if item.get_closest_marker("gpu") is not None:
            item.add_marker(skip)
