"""Runs inside the grading kernel; `autograder.grade.guard` injects this file's text.

``install(nonce)`` runs right after the locked setup cell, before any learner code: it records
every callable and module the tests rely on (the modules of numpy, torch's testing and
functional parts, course, builtins, math, sys hooks, the kernel's shell, session and output
streams, their classes, the notebook's setup names) and the code of each Python function
among them. ``check(label)`` runs before every test cell and at the end: whatever was
replaced is put back (so the hidden tests run on the originals) and remembered; the last
check prints the list, which the grader reads from that cell's output.
"""

import builtins
import sys
import threading
import types

# ipykernel itself swaps sys.excepthook and builtins.input for each execution.
_CHECKED_SYS = ("stdout", "stderr", "displayhook")
_VOLATILE_BUILTINS = ("input", "raw_input", "getpass")
_EXTRA_MODULES = (
    "numpy.testing", "numpy.lib.stride_tricks", "torch.testing", "torch.nn.functional",
    "course.testing", "course.notebook", "math", "builtins", "operator", "functools",
)  # fmt: skip
_TORCH = ("torch", "torch.testing", "torch.nn.functional", "torch.linalg", "torch._tensor")


def install(nonce, ip):
    """Snapshot the protected objects; return the check function."""
    import importlib

    for name in _EXTRA_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    names = [
        n
        for n in list(sys.modules)
        if n in _TORCH
        or n.split(".")[0] in ("numpy", "course")
        or n in ("math", "builtins", "operator", "functools", "json")
    ]
    originals = {"modules": {n: sys.modules[n] for n in names}}
    watched = []  # (label, owner, {attr: value})
    codes = {}  # id(function) -> (function, __code__, __defaults__, __kwdefaults__)
    classes = set()

    def watch(label, owner, mapping):
        values = {}
        for attr, value in list(mapping.items()):
            if attr in ("_", "__", "___") or not (
                callable(value) or isinstance(value, types.ModuleType)
            ):
                continue
            values[attr] = value
            if isinstance(value, types.FunctionType):
                codes[id(value)] = (value, value.__code__, value.__defaults__, value.__kwdefaults__)
            if isinstance(value, type) and getattr(value, "__module__", "").split(".")[0] in (
                "course",
                "torch",
                "numpy",
            ):
                classes.add(value)
        watched.append((label, owner, values))

    for n in names:
        module = sys.modules[n]
        values = dict(vars(module))
        if n == "builtins":
            values = {k: v for k, v in values.items() if k not in _VOLATILE_BUILTINS}
        watch(n, module, values)
    objects = [("shell", ip)] if ip is not None else []
    if ip is not None:
        kernel = getattr(ip, "kernel", None)
        objects += [("kernel", kernel), ("session", getattr(kernel, "session", None))]
        objects += [("displayhook", ip.displayhook), ("display_pub", ip.display_pub)]
    for label, obj in objects:
        if obj is None:
            continue
        watch(label, obj, getattr(obj, "__dict__", {}))
    for obj in (sys.stdout, sys.stderr):  # their instance dicts change as they write
        classes.update(type(obj).__mro__[:-1])
        for cls in type(obj).__mro__[:-1]:
            classes.add(cls)
    for cls in list(classes):
        if isinstance(getattr(cls, "__dict__", None), types.MappingProxyType):
            watch(f"{cls.__module__}.{cls.__qualname__}", cls, dict(vars(cls)))
    user_ns = ip.user_ns if ip is not None else {}
    setup = {k: v for k, v in user_ns.items() if not k.startswith("_") and callable(v)}
    setup.update(
        {k: v for k, v in user_ns.items() if isinstance(v, types.ModuleType) and k[0] != "_"}
    )
    sys_hooks = {k: getattr(sys, k) for k in _CHECKED_SYS}
    hooks = _lists(ip)
    threads = {t.ident for t in threading.enumerate()}
    found = []
    real_print = builtins.print
    dumps = __import__("json").dumps

    def note(what):
        if what not in found:
            found.append(what)

    def check(label, report=False):
        for n, module in originals["modules"].items():
            if sys.modules.get(n) is not module:
                note(f"sys.modules[{n!r}] replaced")
                sys.modules[n] = module
        for owner_label, owner, values in watched:
            current = getattr(owner, "__dict__", {})
            for attr, value in values.items():
                if current.get(attr, _MISSING) is not value:
                    note(f"{owner_label}.{attr} replaced")
                    try:
                        setattr(owner, attr, value)
                    except (AttributeError, TypeError):
                        pass
        for function, code, defaults, kwdefaults in codes.values():
            if (function.__code__, function.__defaults__, function.__kwdefaults__) != (
                code,
                defaults,
                kwdefaults,
            ):
                note(f"{function.__module__}.{function.__qualname__} code replaced")
                function.__code__, function.__defaults__ = code, defaults
                function.__kwdefaults__ = kwdefaults
        for k, v in setup.items():
            if user_ns.get(k, _MISSING) is not v:
                note(f"setup name {k!r} rebound")
                user_ns[k] = v
        for k, v in sys_hooks.items():
            if getattr(sys, k) is not v:
                note(f"sys.{k} replaced")
                setattr(sys, k, v)
        if sys.gettrace() is not None or sys.getprofile() is not None:
            note("a trace or profile hook was set")
            sys.settrace(None)
            sys.setprofile(None)
        for name, (owner, items) in _lists(ip).items():
            before = hooks.get(name, (owner, []))[1]
            extra = [f for f in items if f not in before]
            extra = [f for f in extra if not _harmless(f)]
            if extra or any(f not in items for f in before):
                note(f"kernel hook {name} changed")
                owner[:] = before + [f for f in items if f not in before and _harmless(f)]
        alive = [
            t
            for t in threading.enumerate()
            if t.ident not in threads and t.is_alive() and not _harmless_thread(t)
        ]
        if alive:
            note(f"background thread running: {alive[0].name}")
        if report:
            real_print(f"COURSE-GUARD {nonce} {dumps(found)}", file=sys_hooks["stdout"])

    return check


_MISSING = object()


def _harmless(callback):
    module = getattr(callback, "__module__", "") or ""
    return module.split(".")[0] in ("matplotlib", "matplotlib_inline", "ipykernel", "IPython")


def _harmless_thread(thread):
    """Threads the kernel's own libraries start (zmq's garbage collector, tqdm's monitor)."""
    modules = (type(thread).__module__, getattr(getattr(thread, "_target", None), "__module__", ""))
    trusted = ("zmq", "ipykernel", "IPython", "jupyter_client", "tqdm", "matplotlib")
    return any((m or "").split(".")[0] in trusted for m in modules)


def _lists(ip):
    """The shell's hook lists that could rewrite or hide what a cell does."""
    if ip is None:
        return {}
    found = {}
    for name in ("ast_transformers", "input_transformers_cleanup", "input_transformers_post"):
        items = getattr(ip, name, None)
        if isinstance(items, list):
            found[name] = (items, list(items))
    manager = getattr(ip, "input_transformer_manager", None)
    for name in ("cleanup_transforms", "line_transforms", "token_transformers"):
        items = getattr(manager, name, None)
        if isinstance(items, list):
            found[f"input_transformer_manager.{name}"] = (items, list(items))
    events = getattr(getattr(ip, "events", None), "callbacks", {})
    for name, items in events.items():
        found[f"events.{name}"] = (items, list(items))
    return found
