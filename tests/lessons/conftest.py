"""Fixtures for the lesson tests: one clean build per lesson per session."""

import pytest
from lessonkit import Builds


@pytest.fixture(scope="session")
def builds(tmp_path_factory) -> Builds:
    return Builds(tmp_path_factory)
