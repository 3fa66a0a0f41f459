"""Synthetic data shared by several programs: fixed-seed NumPy regression and classification."""

import numpy as np


def regression(n=64, features=5, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features)).astype(np.float32)
    w = rng.standard_normal((features, 1)).astype(np.float32)
    y = (x @ w + 0.1 * rng.standard_normal((n, 1))).astype(np.float32)
    return x, y


def classification(n=60, features=6, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features)).astype(np.float32)
    labels = np.argmax(x[:, :classes] + 0.3 * rng.standard_normal((n, classes)), axis=1)
    return x, labels.astype(np.int64)
