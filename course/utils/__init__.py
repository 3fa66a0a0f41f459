"""``course.utils``, as ``torch.utils``: holds ``course.utils.data``."""

from course.utils import data as data

__all__ = ["data"]
