"""Grade a class: every submission of one lesson, in parallel, robust to broken and hostile
notebooks (see docs/instructors.md).

>>> outcome = grade_class("01_tensors", "submissions.zip", "grades/01_tensors")  # doctest: +SKIP
>>> outcome.exit_code  # 0 when every submission was graded, 1 when any failed or was flagged
"""

__all__ = ["ClassResult", "grade_class"]


def __getattr__(name: str):
    # Loaded on first use: the sandboxed kernel's launcher imports modules of this package and
    # must not pay for nbgrader's imports at every kernel start.
    if name in __all__:
        from autograder.grade import run

        return getattr(run, name)
    raise AttributeError(f"module 'autograder.grade' has no attribute {name!r}")
