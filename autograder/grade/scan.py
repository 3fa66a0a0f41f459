"""Static scan of the code a learner wrote, for attempts on the checking machinery.

Runs in the grader, outside the kernel, so nothing in the submission can switch it off. It
looks only at cells the learner wrote or changed (a release cell left as it was is not
theirs) and reports, with cell and line: assignments to or deletions of attributes of the
modules tests rely on (``np.allclose = ...``, ``testing.assert_close = ...``,
``sys.modules[...] = ...``, ``builtins.len = ...``), ``setattr``/``delattr`` on them, swapping a
function's ``__code__``, and the tools that reach around Python's names (``__builtins__``,
``__import__``, ``exec``/``compile``, ``ctypes``, ``gc.get_objects``, ``sys.settrace``,
``get_ipython``), and reads of the kernel's history, which holds the hidden tests of every test
cell that ran (``In``, ``Out``, ``_ih``, ``_oh``, ``_i``/``_ii``/``_iii``, ``_i<N>``, ``_<N>``,
the history manager, ``linecache``; a name the cell binds itself is its own variable). The
runtime guard (`autograder.grade.guard`) catches what a scan cannot see.
"""

from __future__ import annotations

import ast
import re

# Names the lessons' setup cells bind to modules the tests use, plus the modules themselves.
PROTECTED_ROOTS = {
    "np", "numpy", "torch", "course", "testing", "builtins", "sys", "math", "F",
    "IPython", "ipykernel", "__builtins__", "nbgrader", "unittest", "functools",
}  # fmt: skip
FORBIDDEN_NAMES = {
    "__builtins__": "uses __builtins__",
    "__import__": "uses __import__",
    "exec": "runs generated code (exec)",
    "compile": "compiles generated code",
    "get_ipython": "reaches into the kernel (get_ipython)",
    "__code__": "swaps a function's code",
}
FORBIDDEN_ATTRS = {
    ("gc", "get_objects"), ("gc", "get_referrers"), ("sys", "settrace"), ("sys", "setprofile"),
    ("sys", "_getframe"), ("threading", "settrace"), ("inspect", "currentframe"),
}  # fmt: skip
# Setup-cell names whose settings a learner may change (plt.rcParams[...] = ...).
UNGUARDED = {"plt", "matplotlib", "rng"}
FORBIDDEN_MODULES = {"ctypes", "gc", "inspect", "importlib", "builtins", "cffi", "linecache"}
HISTORY = re.compile(r"In|Out|_ih|_oh|_dh|_i{1,3}|_i\d+|_\d+")
HISTORY_STRINGS = re.compile(r"_ih|_oh|_i{1,3}|_i\d+|_\d+|history_manager|linecache")


def _root(node) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _dotted(node) -> str:
    try:
        return ast.unparse(node)[:60]
    except Exception:  # noqa: BLE001 - only for the message
        return "?"


def _strip_magics(source: str) -> str:
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )


def scan_source(source: str, aliases: set[str] | None = None) -> list[str]:
    """Findings in one cell's code ("line 3: assigns np.allclose", ...)."""
    roots = PROTECTED_ROOTS | (aliases or set())
    try:
        tree = ast.parse(_strip_magics(source))
    except SyntaxError:
        return []
    found: list[str] = []

    def add(node, what: str) -> None:
        found.append(f"line {getattr(node, 'lineno', '?')}: {what}")

    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not _loads(n)}
    bound |= {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and _loads(node) and HISTORY.fullmatch(node.id):
            if node.id not in bound:
                add(node, f"reads the kernel's history ({node.id})")
        if isinstance(node, ast.Attribute) and node.attr == "history_manager":
            add(node, "reads the kernel's history (history_manager)")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if HISTORY_STRINGS.fullmatch(node.value):
                add(node, f"names the kernel's history ({node.value!r})")
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, (ast.Attribute, ast.Subscript)) and _root(sub) in roots:
                    add(node, f"assigns {_dotted(sub)}")
                    break
                if isinstance(sub, ast.Attribute) and sub.attr in ("__code__", "__dict__"):
                    add(node, f"assigns {_dotted(sub)}")
                    break
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in ("setattr", "delattr") and node.args:
                if _root(node.args[0]) in roots:
                    add(node, f"{node.func.id} on {_dotted(node.args[0])}")
            if node.func.id == "vars" and node.args and _root(node.args[0]) in roots:
                add(node, f"vars({_dotted(node.args[0])})")
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            add(node, FORBIDDEN_NAMES[node.id])
        if isinstance(node, ast.Attribute):
            if node.attr in ("__code__", "__dict__", "__globals__", "__builtins__"):
                if isinstance(node.ctx, ast.Store) or _root(node) in roots:
                    add(node, f"uses {_dotted(node)}")
            if isinstance(node.value, ast.Name) and (node.value.id, node.attr) in FORBIDDEN_ATTRS:
                add(node, f"uses {node.value.id}.{node.attr}")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            for name in names:
                if name and name.split(".")[0] in FORBIDDEN_MODULES:
                    add(node, f"imports {name}")
    return sorted(set(found), key=lambda s: (len(s.split(":")[0]), s))


def _loads(node: ast.Name) -> bool:
    return isinstance(node.ctx, ast.Load)


def _imports(source: str) -> list[tuple[str, str]]:
    """(name bound, root of the module it comes from) for each ``import`` in ``source``."""
    try:
        tree = ast.parse(_strip_magics(source))
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.asname or a.name.split(".")[0], a.name.split(".")[0]) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            root = (node.module or "").split(".")[0]
            found += [(a.asname or a.name, root) for a in node.names]
    return found


def module_aliases(source: str) -> set[str]:
    """Names an ``import`` in ``source`` binds (``import numpy as xp`` -> ``xp``)."""
    return {name for name, _ in _imports(source)}


def protected_aliases(source: str) -> set[str]:
    """Names an ``import`` in ``source`` binds to a protected module (``import numpy as xp``
    -> ``xp``; ``from torch import nn as tnn`` -> ``tnn``): assigning through them is flagged."""
    return {name for name, root in _imports(source) if root in PROTECTED_ROOTS}


def scan_notebook(nb, release) -> list[str]:
    """Findings in every code cell of ``nb`` that is not a release cell left unchanged."""
    from autograder.grade.integrity import _norm, grade_id

    untouched = {_norm(c.source) for c in release.cells if c.cell_type == "code"}
    locked = {grade_id(c) for c in release.cells if c.metadata.get("nbgrader", {}).get("locked")}
    setup = [c.source for c in release.cells if grade_id(c) == "setup"]
    aliases = (module_aliases(setup[0]) if setup else set()) - UNGUARDED
    findings = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or grade_id(cell) in locked:
            continue
        if _norm(cell.source) in untouched:
            continue
        label = grade_id(cell) or f"cell {index + 1}"
        aliases_here = aliases | protected_aliases(cell.source)
        findings += [f"{label} {f}" for f in scan_source(cell.source, aliases_here)]
    return findings
