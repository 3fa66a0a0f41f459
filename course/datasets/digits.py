"""The 1797 handwritten digits (8x8 pixels), shipped with the package: no download.

Source: the UCI ML hand-written digits data set (Alpaydin & Kaynak, 1998;
https://archive.ics.uci.edu/dataset/80; licence CC BY 4.0), as bundled with scikit-learn.
``_make_digits.py`` made ``digits.npz`` from it once and fixed the split there.
"""

from __future__ import annotations

from importlib import resources

import numpy as np

SPLITS = {"train": 0, "val": 1, "test": 2}


def _load_npz() -> dict[str, np.ndarray]:
    with resources.files("course.datasets").joinpath("digits.npz").open("rb") as f, np.load(f) as z:
        return {k: z[k] for k in ("images", "labels", "split")}


def load_digits(
    split: str = "train", flatten: bool = True, normalize: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Images ``X`` (float32) and labels ``y`` (int64, 0..9) of one fixed split.

    ``split``: "train" (1197 images), "val" (300), "test" (300) or "all" (1797); val and
    test hold 30 images of each digit. ``X`` has shape (N, 64) when ``flatten`` else
    (N, 1, 8, 8); ``normalize`` scales pixel counts 0..16 to [0, 1] (x / 16).

    >>> X, y = load_digits("val")
    >>> X.shape, X.dtype, y.shape, y.dtype
    ((300, 64), dtype('float32'), (300,), dtype('int64'))
    """
    if split != "all" and split not in SPLITS:
        raise ValueError(
            f"load_digits: unknown split {split!r}; use 'train', 'val', 'test' or 'all'"
        )
    data = _load_npz()
    keep = slice(None) if split == "all" else data["split"] == SPLITS[split]
    images = data["images"][keep].astype(np.float32)
    if normalize:
        images *= np.float32(1 / 16)
    shape = (len(images), 64) if flatten else (len(images), 1, 8, 8)
    return images.reshape(shape), data["labels"][keep].astype(np.int64)
