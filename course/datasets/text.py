"""A character-level corpus that every Python installation already has: its own stdlib sources.

>>> corpus = load_stdlib_corpus(max_chars=20_000)
>>> corpus.decode(corpus.encode("def f(x):")) == "def f(x):"
True
>>> X, Y = make_sequences(corpus.train, seq_len=64)
>>> X.shape == Y.shape and bool((X[:, 1:] == Y[:, :-1]).all())
True
"""

from __future__ import annotations

import hashlib
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# Files that distributions patch or generate per platform (Debian adds sitecustomize.py and
# patches site.py and sysconfig.py), so they would make the corpus differ between machines.
_SKIP = {"site.py", "sysconfig.py", "sitecustomize.py", "usercustomize.py"}


def stdlib_files(stdlib_dir: str | Path | None = None) -> list[Path]:
    """The standard library's top-level public ``.py`` modules, sorted by name."""
    root = Path(stdlib_dir or sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in root.glob("*.py") if not p.name.startswith("_"))
    return [p for p in files if p.name not in _SKIP]


@dataclass(repr=False)
class CharCorpus:
    """A text, its vocabulary (sorted characters) and its ids split into train and val."""

    text: str
    vocab: list[str]  # sorted distinct characters; id i is vocab[i]
    train: np.ndarray  # int64 ids of the first (1 - val_fraction) of the text
    val: np.ndarray  # int64 ids of the rest
    files: list[str]  # the source files read, in order
    python: str  # the Python release whose sources these are, e.g. '3.11.7'
    stoi: dict[str, int] = field(init=False)
    itos: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.itos = self.vocab
        self.stoi = {c: i for i, c in enumerate(self.vocab)}
        self._codepoints = np.array([ord(c) for c in self.vocab], dtype=np.uint32)

    def __repr__(self) -> str:
        return (
            f"CharCorpus(python={self.python!r}, chars={len(self.text)}, "
            f"vocab_size={self.vocab_size}, train={len(self.train)}, val={len(self.val)}, "
            f"files={len(self.files)}, sha256={self.sha256[:12]!r})"
        )

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    @property
    def sha256(self) -> str:
        """Fingerprint of ``text``: equal fingerprints mean byte-identical corpora."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def encode(self, s: str) -> np.ndarray:
        """Ids (int64) of the characters of ``s``, vectorised: no Python loop per character."""
        cps = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32)
        ids = np.searchsorted(self._codepoints, cps)
        ok = (ids < len(self._codepoints)) & (self._codepoints[ids % len(self._codepoints)] == cps)
        if not ok.all():
            bad = chr(int(cps[np.argmin(ok)]))
            raise ValueError(f"encode: character {bad!r} is not in the corpus vocabulary")
        return ids.astype(np.int64)

    def decode(self, ids) -> str:
        """The string whose characters have ids ``ids`` (any int array or list)."""
        return self._codepoints[np.asarray(ids, dtype=np.int64)].tobytes().decode("utf-32-le")


def load_stdlib_corpus(
    max_chars: int | None = 1_000_000,
    val_fraction: float = 0.1,
    stdlib_dir: str | Path | None = None,
) -> CharCorpus:
    """The running Python's stdlib sources as one text of at most ``max_chars`` characters.

    Reads the top-level public modules (``abc.py``, ``argparse.py`` ...) in sorted order,
    UTF-8, newlines normalised to ``\\n``, concatenated and cut at ``max_chars`` (None: all,
    about 4.5 MB on Python 3.11). The last ``val_fraction`` of the ids is the validation split.
    Deterministic: the same Python release (e.g. 3.11.7) gives byte-identical corpora on any
    machine (compare ``corpus.sha256``). Other releases give a different corpus: bugfix
    releases edit some of these files (3.11.2 and 3.11.7 differ in dozens of them) and
    minor versions add and remove modules. ``stdlib_dir`` overrides where to read.
    """
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError(f"load_stdlib_corpus: val_fraction must be in [0, 1), got {val_fraction}")
    parts, used, total = [], [], 0
    for path in stdlib_files(stdlib_dir):
        text = path.read_bytes().decode("utf-8").replace("\r\n", "\n")
        parts.append(text)
        used.append(path.name)
        total += len(text)
        if max_chars is not None and total >= max_chars:
            break
    if not parts:
        raise FileNotFoundError(f"load_stdlib_corpus: no .py files found in {stdlib_dir}")
    text = "".join(parts)[:max_chars]
    codepoints = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    vocab_codepoints, ids = np.unique(codepoints, return_inverse=True)
    ids = ids.astype(np.int64)
    n_train = len(ids) - int(len(ids) * val_fraction)
    return CharCorpus(
        text=text,
        vocab=[chr(c) for c in vocab_codepoints],
        train=ids[:n_train],
        val=ids[n_train:],
        files=used,
        python=".".join(map(str, sys.version_info[:3])),
    )


def make_sequences(ids: np.ndarray, seq_len: int, step: int | None = None):
    """Inputs ``X[i] = ids[s:s+seq_len]`` and targets ``Y[i] = ids[s+1:s+seq_len+1]``.

    Windows start every ``step`` ids (default ``seq_len``: non-overlapping). Both are
    read-only strided views of ``ids`` (no copy); ``DataLoader(TensorDataset(X, Y))``
    gathers each batch with one fancy index.
    """
    step = seq_len if step is None else step
    if seq_len < 1 or step < 1:
        raise ValueError(f"make_sequences: seq_len and step must be >= 1, got {seq_len}, {step}")
    if len(ids) < seq_len + 1:
        raise ValueError(
            f"make_sequences: {len(ids)} ids are too few for one sequence of {seq_len} + 1"
        )
    windows = np.lib.stride_tricks.sliding_window_view(ids, seq_len + 1)[::step]
    return windows[:, :-1], windows[:, 1:]
