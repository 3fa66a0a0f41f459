"""The course's random generator, as ``torch.random``: one seed for tensors, init and data.

``randn``, ``rand``, ``randint``, ``normal_``/``uniform_``, ``nn.init``, dropout and the data
loader's shuffling all draw from it, so ``course.manual_seed(0)`` makes a run repeatable.
"""

from __future__ import annotations

import numpy as np

_rng = np.random.default_rng(0)


def manual_seed(seed: int) -> None:
    """Seed the generator behind ``randn``, ``rand``, ``randint`` and parameter init."""
    global _rng
    _rng = np.random.default_rng(seed)


def generator() -> np.random.Generator:
    """The NumPy generator behind the course's random numbers (seeded by ``manual_seed``)."""
    return _rng
