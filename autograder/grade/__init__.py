"""Grade a class: every submission of one lesson, in parallel, robust to broken and hostile
notebooks (see docs/instructors.md).

>>> outcome = grade_class("01_tensors", "submissions.zip", "grades/01_tensors")  # doctest: +SKIP
>>> outcome.exit_code  # 0 when every submission was graded, 1 when any failed or was flagged
"""

from autograder.grade.run import ClassResult, grade_class

__all__ = ["ClassResult", "grade_class"]
