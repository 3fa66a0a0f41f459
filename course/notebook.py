"""Helpers that lesson notebooks use: quick runs, progress bars, and hiding the reference.

``without_reference`` lets a hidden test check the learner's own code: while it is active,
the course's reference implementations given to it raise instead of answering, so an
exercise solved by calling ``course`` does not pass.
"""

from __future__ import annotations

import contextlib
import os
import types
from collections.abc import Iterator


def quick() -> bool:
    """True when ``COURSE_QUICK=1``: tests and graders run lessons with smaller sizes."""
    return os.environ.get("COURSE_QUICK", "") not in ("", "0")


def sizes(full, small):
    """``small`` in a quick run, else ``full`` (a lesson's problem sizes in one place)."""
    return small if quick() else full


def progress(iterable=None, **kwargs):
    """A tqdm progress bar: a widget in a live Jupyter frontend, text when headless (no comms)."""
    from course.widgets.base import headless

    if headless():
        from tqdm.std import tqdm
    else:
        from tqdm.auto import tqdm

    kwargs.setdefault("mininterval", 0.5)
    kwargs.setdefault("disable", os.environ.get("COURSE_NO_PROGRESS") == "1")
    return tqdm(iterable, **kwargs)


class ReferenceUsedError(AssertionError):
    """Raised when an answer calls the course's reference instead of its own code."""


def _blocked(name: str):
    def blocked(*args, **kwargs):
        raise ReferenceUsedError(_message(name))

    return blocked


def _qualname(obj) -> str:
    module = getattr(obj, "__module__", None) or ""
    return f"{module}.{getattr(obj, '__qualname__', repr(obj))}".lstrip(".")


@contextlib.contextmanager
def without_reference(*targets) -> Iterator[None]:
    """Make each target raise `ReferenceUsedError` while the block runs, then restore it.

    A target is a plain function (its code is swapped, so every name bound to it is
    caught, even ``from course.functional import softmax as s``), a class (its
    ``forward``/``__call__``/``__init__`` are blocked) or a ``(owner, "attribute")`` pair.
    """
    undo: list[tuple[object, str, object]] = []
    try:
        for target in targets:
            if isinstance(target, tuple):
                owner, attr = target
                undo.append((owner, attr, owner.__dict__[attr]))
                setattr(owner, attr, _blocked(f"{_qualname(owner)}.{attr}"))
            elif isinstance(target, types.FunctionType) and not target.__closure__:
                undo.append((target, "__code__", target.__code__))
                target.__code__ = _code_that_raises(_qualname(target))
            elif isinstance(target, type):
                for attr in ("forward", "__call__", "__init__"):
                    if attr in target.__dict__:
                        undo.append((target, attr, target.__dict__[attr]))
                        setattr(target, attr, _blocked(_qualname(target)))
            else:
                raise TypeError(f"without_reference: cannot block {target!r}")
        yield
    finally:
        for owner, attr, value in reversed(undo):
            setattr(owner, attr, value)


def _code_that_raises(name: str) -> types.CodeType:
    """A code object whose body raises AssertionError; it needs no globals of its own."""
    namespace: dict = {}
    exec(f"def f(*args, **kwargs):\n    raise AssertionError({_message(name)!r})\n", namespace)
    return namespace["f"].__code__


def _message(name: str) -> str:
    return (
        f"your answer called the course's reference `{name}`: write this one yourself "
        "(the hidden tests check your own code)"
    )
