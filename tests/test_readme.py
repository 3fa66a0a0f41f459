"""README's layout table matches the tree: every top-level folder is listed, every listed path
exists, and the modules it names in `course/` and `autograder/` are there."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = {"nbgrader-course/"}  # git-ignored: made by `autograder build`


def layout() -> dict[str, str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Layout", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| (.+) \|$", section, re.MULTILINE)
    assert rows, "README.md's Layout section has no table"
    return dict(rows)


def tracked_top_level_folders() -> set[str]:
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return {f.split("/")[0] + "/" for f in files if "/" in f and not f.startswith(".")}


def test_every_top_level_folder_is_listed():
    missing = tracked_top_level_folders() - set(layout())
    assert not missing, f"README's Layout table does not list {sorted(missing)}"


def test_every_listed_path_exists():
    gone = [p for p in layout() if p not in GENERATED and not (ROOT / p).exists()]
    assert not gone, f"README's Layout table lists paths that do not exist: {gone}"


def test_named_modules_exist():
    for package in ("course/", "autograder/"):
        names = re.findall(r"`([a-z_]+/?)`", layout()[package])
        names = [n for n in names if n not in ("course", "autograder")]  # the commands
        assert names, f"the {package} row names no modules"
        gone = [
            n for n in names if not (ROOT / package / n).is_dir()
            and not (ROOT / package / f"{n}.py").is_file()
            and not (ROOT / package / n).is_file()
        ]  # fmt: skip
        assert not gone, f"README's Layout row for {package} names missing modules: {gone}"
