"""binder/ stays consistent with pyproject.toml: every dependency pinned once (and nbgrader, for
the Validate button), CPU only, the pins inside pyproject's ranges, Python 3.11, and postBuild
enabling nbgrader's student side."""

from __future__ import annotations

import os
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


# From the instructor extra, Binder takes nbgrader only: its Validate button (postBuild enables it).
FROM_INSTRUCTOR = {"nbgrader"}


def dependencies() -> dict[str, Requirement]:
    """The learner's dependencies, plus what Binder takes from the instructor extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    reqs += [
        r
        for r in map(Requirement, project["optional-dependencies"]["instructor"])
        if canonicalize_name(r.name) in FROM_INSTRUCTOR
    ]
    return {canonicalize_name(r.name): r for r in reqs}


def requirement_lines() -> list[str]:
    lines = (
        line.split("#")[0].strip()
        for line in (BINDER / "requirements.txt").read_text().splitlines()
    )
    return [line for line in lines if line]


def pins() -> dict[str, str]:
    found: dict[str, str] = {}
    for line in requirement_lines():
        if line.startswith("-"):
            continue
        name, sep, version = line.partition("==")
        assert sep and version, f"binder/requirements.txt: pin {line!r} exactly (name==version)"
        assert canonicalize_name(name) not in found, f"binder/requirements.txt: {name} twice"
        found[canonicalize_name(name)] = version
    return found


def test_every_dependency_is_pinned_and_nothing_else():
    assert set(pins()) == set(dependencies()), (
        "binder/requirements.txt and pyproject.toml's dependencies must name the same packages: "
        f"only in binder {sorted(set(pins()) - set(dependencies()))}, "
        f"only in pyproject {sorted(set(dependencies()) - set(pins()))}"
    )


def test_pins_lie_inside_pyprojects_ranges():
    for name, version in pins().items():
        spec = dependencies()[name].specifier
        assert spec.contains(Version(version), prereleases=True), f"{name}=={version} not in {spec}"


def test_cpu_only():
    lines = requirement_lines()
    options = [line for line in lines if line.startswith("-")]
    assert options == [f"--extra-index-url {CPU_INDEX}"], options
    assert pins()["torch"].endswith("+cpu"), "pin torch's CPU build (torch==X.Y.Z+cpu)"
    # numba-cuda is no GPU package: its CUDA simulator runs lesson 06's kernels on Binder's CPU.
    gpu = [
        n
        for n in pins()
        if (n.startswith(("nvidia", "cupy")) or "cuda" in n or "triton" in n) and n != "numba-cuda"
    ]
    assert not gpu, f"Binder has no GPU: remove {gpu}"


def test_runtime_is_python_311_and_allowed():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    assert runtime == "python-3.11"
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert SpecifierSet(requires).contains("3.11")


def test_postbuild_installs_the_package_and_only_nbgraders_student_side():
    post = BINDER / "postBuild"
    assert os.access(post, os.X_OK), "binder/postBuild must be executable"
    text = post.read_text()
    assert text.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in text
    assert "pip install --no-deps -e ." in text, "deps come from requirements.txt only"
    assert (
        "server extension enable --sys-prefix nbgrader.server_extensions.validate_assignment"
        in text
    )
    assert "for extension in formgrader assignment_list course_list; do" in text
    assert 'server extension disable --sys-prefix "nbgrader.server_extensions.$extension"' in text
    assert "for plugin in assignment-list course-list create-assignment formgrader menu" in text
    assert 'labextension disable --level=sys_prefix "@jupyter/nbgrader:$plugin"' in text


def test_ci_builds_its_environment_from_binder():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "binder/requirements.txt" in ci and "bash binder/postBuild" in ci
    assert ci.index("binder_check.py") < ci.index("'.[instructor,dev]'"), "lessons run first"


def test_pins_are_the_versions_the_tests_run_with():
    built = Path(sys.prefix) / "binder-requirements.txt"  # written by .ci/run
    if not built.is_file():
        pytest.skip(
            "this environment was not built from binder/requirements.txt (.ci/run builds one)"
        )
    stale = {}
    for name, version in pins().items():
        installed = metadata.version(name)
        if installed != version:
            stale[name] = (version, installed)
    assert not stale, f"binder pins differ from what the tests ran with (pin, installed): {stale}"
