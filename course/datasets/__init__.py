"""Datasets that need no download (digits, stdlib text) and MNIST for those with internet.

Each loader returns NumPy arrays; wrap them for training with
``DataLoader(TensorDataset(X, y), batch_size=..., shuffle=True)`` from ``course.data``.
"""

from course.datasets.digits import load_digits
from course.datasets.mnist import load_mnist
from course.datasets.text import CharCorpus, load_stdlib_corpus, make_sequences

__all__ = ["CharCorpus", "load_digits", "load_mnist", "load_stdlib_corpus", "make_sequences"]
