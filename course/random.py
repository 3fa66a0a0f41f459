"""The course's random generator, as ``torch.random``: one seed for tensors, init and data.

``randn``, ``rand``, ``randint``, ``normal_``/``uniform_``, ``nn.init``, dropout and the data
loader's shuffling all draw from it, so ``course.manual_seed(0)`` makes a run repeatable.
A `Generator` (torch's ``torch.Generator``) is a stream of its own, passed as ``generator=``:

>>> import course
>>> g = course.Generator().manual_seed(0)
>>> course.randperm(5, generator=g).tolist() == course.randperm(
...     5, generator=course.Generator().manual_seed(0)).tolist()
True

course draws with NumPy's PCG64, not torch's Mersenne Twister: the same seed gives other
numbers than in torch, but the same numbers on every course run.
"""

from __future__ import annotations

import secrets
from typing import Any

import numpy as np

_rng = np.random.default_rng(0)


def manual_seed(seed: int) -> None:
    """Seed the generator behind ``randn``, ``rand``, ``randint`` and parameter init."""
    global _rng
    _rng = np.random.default_rng(seed)


def generator() -> np.random.Generator:
    """The NumPy generator behind the course's random numbers (seeded by ``manual_seed``)."""
    return _rng


class Generator:
    """torch's ``Generator``: random numbers independent of ``course.manual_seed``.

    ``Generator().manual_seed(s)`` returns the generator itself, seeded, so it can be built
    and passed in one expression: ``randperm(n, generator=Generator().manual_seed(0))``.
    """

    DEFAULT_SEED = 67280421310721  # torch's seed of a new Generator

    def __init__(self, device: Any = "cpu") -> None:
        self.device = device  # any: course draws on the CPU and moves the numbers
        self.manual_seed(self.DEFAULT_SEED)

    def manual_seed(self, seed: int) -> Generator:
        """Restart the stream from ``seed``; returns self."""
        self._seed = int(seed)
        self.numpy = np.random.default_rng(self._seed)  # the NumPy generator that draws
        return self

    def seed(self) -> int:
        """Seed with a fresh non-deterministic number, and return it."""
        seed = secrets.randbits(63)
        self.manual_seed(seed)
        return seed

    def initial_seed(self) -> int:
        """The seed the stream last started from."""
        return self._seed

    def get_state(self) -> dict[str, Any]:
        """The state, for ``set_state`` (NumPy's bit-generator state, not torch's bytes)."""
        return dict(self.numpy.bit_generator.state)

    def set_state(self, state: dict[str, Any]) -> Generator:
        self.numpy.bit_generator.state = state
        return self

    def __repr__(self) -> str:
        return f"<course.Generator initial_seed={self._seed}>"


def numpy_generator(generator: Generator | np.random.Generator | None) -> np.random.Generator:
    """The NumPy generator to draw from for a ``generator=`` argument (None: the course one)."""
    if generator is None:
        return _rng  # read at each use: a later course.manual_seed still counts
    if isinstance(generator, Generator):
        return generator.numpy
    if isinstance(generator, np.random.Generator):
        return generator
    raise TypeError(
        f"generator must be a course.Generator (or a numpy.random.Generator), got "
        f"{type(generator).__name__}; leave it out to use course.manual_seed's generator"
    )
