"""Print the framework core's size: the files mypy checks (pyproject's [tool.mypy] files).

The core is what a learner builds: tensors, autograd, ops, modules, optimizers, data. Tooling
(bench, doctor, widgets) and the instructor's package are not counted. Lines are non-blank,
non-comment source lines, docstrings included (they are part of what a reader reads).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def core_files() -> list[Path]:
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["files"]
    found: list[Path] = []
    for name in listed:
        path = ROOT / name
        found += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return found


def code_lines(path: Path) -> int:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return sum(1 for line in lines if line and not line.startswith("#"))


def main() -> None:
    counts = {path.relative_to(ROOT): code_lines(path) for path in core_files()}
    width = max(len(str(p)) for p in counts)
    for path, n in counts.items():
        print(f"  {str(path):<{width}}  {n:>5}")
    print(f"framework core: {sum(counts.values())} lines in {len(counts)} files")


if __name__ == "__main__":
    main()
