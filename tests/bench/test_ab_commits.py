"""benchmarks/ab_commits.py loads another commit's `course` beside this tree's and times both."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "ab_commits.py"


def _in_git() -> bool:
    if shutil.which("git") is None:
        return False
    probe = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True)
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(not _in_git(), reason="needs the git history of the repository")

# In a child: the script tunes glibc's allocator for the whole process (keep_freed_memory).
CHECK = f"""
import importlib.util, sys
spec = importlib.util.spec_from_file_location("ab_commits", {str(SCRIPT)!r})
ab = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ab)
rows = ab.main(["HEAD", "tiny", "--rounds", "2"])
assert [r["workload"] for r in rows] == ["tiny"], rows
assert set(rows[0]["p25_ms"]) == {{"base", "new", "torch"}}, rows
assert all(t > 0 for t in rows[0]["p25_ms"].values()), rows
# the copy imports itself, not this tree: its Function is its own class
base_conv, new_conv = sys.modules["course_base.ops.conv"], sys.modules["course.ops.conv"]
assert base_conv.Function is sys.modules["course_base.autograd"].Function
assert base_conv.Function is not new_conv.Function
print("checked")
"""


def test_head_against_this_tree_runs_both_packages_side_by_side():
    proc = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "new/base" in proc.stdout and proc.stdout.rstrip().endswith("checked")
