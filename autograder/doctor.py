"""`autograder doctor`: what the instructor's tools need here, and the one command for each gap.

The learner's checks (CPU, BLAS, torch, GPU, JupyterLab) are `course doctor`'s; these are the
instructor's: nbgrader and jupytext, nbgrader's Validate button (the one nbgrader piece a learner
on Binder uses) and the workspace `autograder build` fills.
"""

from __future__ import annotations

import json
from pathlib import Path

from autograder import config
from course import machine
from course.doctor import Row, install, report
from course.repo import find_root

INSTALL = "pip install -e '.[instructor]'"
VALIDATE_SERVER = "nbgrader.server_extensions.validate_assignment"
VALIDATE_LAB = "@jupyter/nbgrader:validate-assignment"


def _server_extensions() -> dict[str, bool]:
    """``jpserver_extensions`` merged over Jupyter's config path (higher priority wins)."""
    try:
        from jupyter_core.paths import jupyter_config_path
    except ImportError:
        return {}
    merged: dict[str, bool] = {}
    for directory in reversed(jupyter_config_path()):
        folder = Path(directory)
        files = sorted((folder / "jupyter_server_config.d").glob("*.json"))
        for path in [*files, folder / "jupyter_server_config.json"]:
            try:
                found = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            merged.update(found.get("ServerApp", {}).get("jpserver_extensions", {}))
    return merged


def _disabled_lab_plugins() -> set[str]:
    try:
        from jupyter_core.paths import jupyter_config_path
    except ImportError:
        return set()
    disabled: dict[str, bool] = {}
    for directory in reversed(jupyter_config_path()):
        path = Path(directory) / "labconfig" / "page_config.json"
        try:
            disabled.update(json.loads(path.read_text()).get("disabledExtensions", {}))
        except (OSError, ValueError, AttributeError):
            continue
    return {name for name, off in disabled.items() if off}


def validate_row() -> Row:
    if not machine.version("nbgrader"):
        return ("nbgrader validate", "nbgrader missing", install("nbgrader"))
    fixes = []
    if not _server_extensions().get(VALIDATE_SERVER):
        fixes.append(f"jupyter server extension enable --sys-prefix {VALIDATE_SERVER}")
    if VALIDATE_LAB in _disabled_lab_plugins():
        fixes.append(f"jupyter labextension enable --level=sys_prefix {VALIDATE_LAB}")
    found = "enabled (the Validate button checks a notebook)" if not fixes else "not enabled"
    return ("nbgrader validate", found, " && ".join(fixes) or None)


def workspace_row() -> Row:
    root = find_root()
    if root is None or not (root / "solutions").is_dir():
        return ("workspace", "no course repository with solutions/ here", "run from your clone")
    path = config.workspace(root)
    built = sorted(p.name for p in (path / "source").glob("*") if p.is_dir())
    if not built:
        return ("workspace", f"{path} not built yet", "autograder build")
    return ("workspace", f"{path}: {', '.join(built)}", None)


def checks() -> list[Row]:
    """(what, found, fix) rows; ``fix`` is None when nothing needs doing."""
    rows: list[Row] = []
    for dist in ("nbgrader", "jupytext"):
        found = machine.version(dist)
        rows.append((dist, found or "missing", None if found else INSTALL))
    rows.append(validate_row())
    rows.append(workspace_row())
    return rows


def main() -> int:
    return report(checks())
