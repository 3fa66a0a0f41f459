"""MNIST and Fashion-MNIST: downloaded once (internet needed), checked, cached, parsed.

Nothing in the course's tests or default lesson runs calls this: they use ``load_digits``,
which ships with the package. Files are cached under ``$COURSE_DATA`` or
``~/.cache/course`` (``$XDG_CACHE_HOME/course`` when that is set).

MNIST: LeCun, Cortes & Burges (http://yann.lecun.com/exdb/mnist/), CC BY-SA 3.0.
Fashion-MNIST: Xiao, Rasul & Vollgraf, Zalando Research (2017), MIT licence.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np

MIRRORS: dict[str, list[str]] = {
    "mnist": [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ],
    "fashion": ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
}

# sha256 of the canonical gz files (the same bytes on every mirror above).
SHA256: dict[str, dict[str, str]] = {
    "mnist": {
        "train-images-idx3-ubyte.gz": (
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"
        ),
        "train-labels-idx1-ubyte.gz": (
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"
        ),
        "t10k-images-idx3-ubyte.gz": (
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"
        ),
        "t10k-labels-idx1-ubyte.gz": (
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
        ),
    },
    "fashion": {
        "train-images-idx3-ubyte.gz": (
            "08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc"
        ),
        "train-labels-idx1-ubyte.gz": (
            "b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc"
        ),
        "t10k-images-idx3-ubyte.gz": (
            "78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229"
        ),
        "t10k-labels-idx1-ubyte.gz": (
            "42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf"
        ),
    },
}

_PREFIX = {"train": "train", "test": "t10k"}

# IDX type codes (the third magic byte) -> big-endian dtypes.
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def cache_dir() -> Path:
    """Where downloads are kept: ``$COURSE_DATA``, else ``$XDG_CACHE_HOME/course`` or ~/.cache."""
    if os.environ.get("COURSE_DATA"):
        return Path(os.environ["COURSE_DATA"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "course"


def sha256_of(path: str | Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def parse_idx(data: bytes) -> np.ndarray:
    """An array from IDX bytes: magic ``0 0 type ndim``, ``ndim`` big-endian uint32 sizes, data."""
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_DTYPES:
        raise ValueError(f"parse_idx: not an IDX file (magic bytes {data[:4].hex()})")
    dtype, ndim = np.dtype(_IDX_DTYPES[data[2]]), data[3]
    shape = tuple(int(d) for d in np.frombuffer(data, ">u4", count=ndim, offset=4))
    offset = 4 + 4 * ndim
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(data) - offset != expected:
        raise ValueError(
            f"parse_idx: header says shape {shape} ({expected} bytes of {dtype}), "
            f"but {len(data) - offset} data bytes follow"
        )
    return np.frombuffer(data, dtype, offset=offset).reshape(shape).astype(dtype.newbyteorder("="))


def read_idx(path: str | Path) -> np.ndarray:
    """Parse an IDX file, gzipped (``.gz``) or not."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        return parse_idx(f.read())


def download(url: str, dest: str | Path, sha256: str, timeout: float = 30.0) -> Path:
    """Fetch ``url`` into ``dest`` atomically: written to a temp file, checked, then renamed."""
    import urllib.request  # here, not at the top: keeps ``import course`` light

    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=dest.name, suffix=".part")
    try:
        h = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            for chunk in iter(lambda: resp.read(1 << 20), b""):
                h.update(chunk)
                out.write(chunk)
        if h.hexdigest() != sha256:
            raise ValueError(
                f"download: checksum mismatch for {url}: sha256 {h.hexdigest()}, "
                f"expected {sha256}; the file was not kept"
            )
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dest


def fetch(kind: str, filename: str, root: str | Path | None = None) -> Path:
    """Path of a verified cached file, downloading it (first mirror that works) when needed."""
    sha256 = SHA256[kind][filename]
    dest = Path(root or cache_dir()) / kind / filename
    if dest.exists():
        if sha256_of(dest) == sha256:
            return dest
        dest.unlink()  # a corrupt or partial copy: fetch it again
    errors = []
    for mirror in MIRRORS[kind]:
        try:
            return download(mirror + filename, dest, sha256)
        except (OSError, ValueError) as e:  # URLError is an OSError
            errors.append(f"{mirror + filename}: {e}")
    raise RuntimeError(
        f"could not download {filename} ({kind}); no internet here? Tried:\n  "
        + "\n  ".join(errors)
        + f"\nCopy the file by hand to {dest}, or use course.datasets.load_digits(), "
        "which ships with the package."
    )


def load_mnist(
    root: str | Path | None = None,
    kind: str = "mnist",
    split: str = "train",
    flatten: bool = True,
    normalize: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Images ``X`` (float32) and labels ``y`` (int64) of MNIST or Fashion-MNIST.

    ``kind``: "mnist" or "fashion"; ``split``: "train" (60000) or "test" (10000).
    ``X`` has shape (N, 784) when ``flatten`` else (N, 1, 28, 28); ``normalize`` maps
    pixels 0..255 to [0, 1]. Downloads on first use into ``root`` (default ``cache_dir()``).
    """
    if kind not in SHA256:
        raise ValueError(f"load_mnist: unknown kind {kind!r}; use 'mnist' or 'fashion'")
    if split not in _PREFIX:
        raise ValueError(f"load_mnist: unknown split {split!r}; use 'train' or 'test'")
    prefix = _PREFIX[split]
    images = read_idx(fetch(kind, f"{prefix}-images-idx3-ubyte.gz", root))
    labels = read_idx(fetch(kind, f"{prefix}-labels-idx1-ubyte.gz", root))
    if images.ndim != 3 or labels.shape != images.shape[:1]:
        raise ValueError(
            f"load_mnist: images {images.shape} and labels {labels.shape} do not match"
        )
    pixels = images.astype(np.float32)
    if normalize:
        pixels *= np.float32(1 / 255)
    shape = (len(pixels), -1) if flatten else (len(pixels), 1, *images.shape[1:])
    return pixels.reshape(shape), labels.astype(np.int64)
