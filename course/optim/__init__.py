"""Optimizers step for step equal to PyTorch's (same update formulas), and learning-rate schedulers.

``step()`` updates each parameter's array (``p.array``) in place, without recording a graph,
reusing per-parameter state buffers so that a step allocates almost nothing.
"""

from __future__ import annotations

from course.optim import lr_scheduler as lr_scheduler
from course.optim.adam import Adam as Adam
from course.optim.adam import AdamW as AdamW
from course.optim.adaptive import Adadelta as Adadelta
from course.optim.adaptive import Adagrad as Adagrad
from course.optim.adaptive import RMSprop as RMSprop
from course.optim.optimizer import Optimizer as Optimizer
from course.optim.sgd import SGD as SGD


def __getattr__(name: str):
    """A name torch has and course lacks: say so (see course/_missing.py)."""
    from course._missing import missing

    raise missing("module 'course.optim'", "torch.optim", name)
