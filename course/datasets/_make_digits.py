"""Regenerate ``digits.npz`` (run once by a maintainer; the package never imports this).

Provenance: the UCI ML hand-written digits data set (Alpaydin & Kaynak, 1998,
https://archive.ics.uci.edu/dataset/80, licence CC BY 4.0), the 1797-image 8x8 test part
as bundled with scikit-learn (``sklearn.datasets.load_digits``). Pixels are counts 0..16.

The split is fixed here once and stored in the file, so it never depends on the NumPy
version a learner has: per class, 30 images go to validation, 30 to test, the rest
(1197 in all) to training.

    python -m course.datasets._make_digits   # needs scikit-learn
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

OUT = Path(__file__).with_name("digits.npz")
PER_CLASS = 30  # validation and test images per class: 300 + 300 of 1797


def main() -> None:
    from sklearn.datasets import load_digits  # maintainer-only dependency

    digits = load_digits()
    images = digits.images.astype(np.uint8)  # (1797, 8, 8), values 0..16
    labels = digits.target.astype(np.uint8)
    assert images.shape == (1797, 8, 8) and images.max() == 16

    rng = np.random.default_rng(20240611)
    split = np.zeros(len(labels), dtype=np.uint8)  # 0 train, 1 val, 2 test
    for c in range(10):
        idx = rng.permutation(np.flatnonzero(labels == c))
        split[idx[:PER_CLASS]] = 1
        split[idx[PER_CLASS : 2 * PER_CLASS]] = 2
    np.savez_compressed(OUT, images=images, labels=labels, split=split)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes): {np.bincount(split)} train/val/test")


if __name__ == "__main__":
    main()
