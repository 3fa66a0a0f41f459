"""The error for a PyTorch name course lacks: it names the torch feature, not only the attribute.

Modules mirroring torch (``course``, ``course.nn``, ``course.functional``, ``course.optim``) and
``Tensor`` call this from ``__getattr__``, which Python runs only when normal lookup failed.
"""

from __future__ import annotations


def missing(owner: str, torch_name: str, name: str) -> AttributeError:
    """``AttributeError`` for ``owner.name``, naming ``torch_name.name`` when it may be torch's."""
    if name.startswith("_"):  # protocol probes (__array__, _repr_html_ ...): the plain error
        return AttributeError(f"{owner} has no attribute {name!r}")
    return AttributeError(
        f"{owner} has no attribute {name!r}: if your program uses PyTorch's {torch_name}.{name}, "
        "course does not implement it (course follows torch's names for what it has; "
        "see `help(course)`)"
    )
