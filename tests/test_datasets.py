"""course.datasets: bundled digits, the stdlib character corpus, MNIST files (never downloaded)."""

import functools
import gzip
import hashlib
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.data import DataLoader, TensorDataset
from course.datasets import digits, load_digits, load_stdlib_corpus, make_sequences, mnist, text


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Every test here runs offline: only file:// URLs may be opened."""
    real = urllib.request.urlopen

    def urlopen(url, *args, **kwargs):
        if not str(url).startswith("file:"):
            raise AssertionError(f"a test tried to download {url}")
        return real(url, *args, **kwargs)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)


# ----------------------------------------------------------------------------- digits


@pytest.mark.parametrize("split, n", [("train", 1197), ("val", 300), ("test", 300), ("all", 1797)])
def test_digits_shapes_dtypes_and_range(split, n):
    X, y = load_digits(split)
    assert X.shape == (n, 64) and X.dtype == np.float32
    assert y.shape == (n,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert set(np.unique(y)) == set(range(10))
    images, _ = load_digits(split, flatten=False, normalize=False)
    assert images.shape == (n, 1, 8, 8) and images.dtype == np.float32
    np.testing.assert_array_equal(images.reshape(n, 64) / 16, X)
    assert np.array_equal(images, np.round(images)) and images.max() == 16


def test_digits_splits_partition_the_data_and_are_balanced():
    parts = [load_digits(s) for s in ("train", "val", "test")]

    def row_counts(images, labels):
        return np.unique(np.column_stack([images, labels]), axis=0, return_counts=True)

    # The three splits together are exactly "all" (as multisets of rows): disjoint, complete.
    got = row_counts(np.concatenate([X for X, _ in parts]), np.concatenate([y for _, y in parts]))
    want = row_counts(*load_digits("all"))
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)
    split = digits._load_npz()["split"]
    assert np.bincount(split).tolist() == [1197, 300, 300]
    for _, y in parts[1:]:
        assert np.bincount(y).tolist() == [30] * 10
    assert np.bincount(parts[0][1]).min() >= 110


def test_digits_are_deterministic_and_fresh_copies():
    X1, y1 = load_digits("train")
    X1[:] = -1
    X2, y2 = load_digits("train")
    assert X2.min() == 0.0
    np.testing.assert_array_equal(y1, y2)


def test_digits_are_scikit_learns_digits():
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    ref = sklearn_datasets.load_digits()
    X, y = load_digits("all", normalize=False)
    np.testing.assert_array_equal(X, ref.data.astype(np.float32))
    np.testing.assert_array_equal(y, ref.target)


def test_digits_bad_split():
    with pytest.raises(ValueError, match="'train', 'val', 'test' or 'all'"):
        load_digits("validation")


def test_digits_train_through_the_loader():
    X, y = load_digits("val", flatten=False)
    xb, yb = next(iter(DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True, seed=0)))
    assert xb.shape == (32, 1, 8, 8) and xb.dtype == np.float32 and yb.dtype == np.int64


# ----------------------------------------------------------------------------- stdlib corpus


@functools.cache
def small_corpus():
    return load_stdlib_corpus(max_chars=200_000)


@pytest.fixture
def corpus():
    return small_corpus()


def test_corpus_is_deterministic(corpus):
    again = load_stdlib_corpus(max_chars=200_000)
    assert again.text == corpus.text and again.sha256 == corpus.sha256
    np.testing.assert_array_equal(again.train, corpus.train)
    np.testing.assert_array_equal(again.val, corpus.val)


def test_corpus_layout(corpus):
    assert len(corpus.text) == 200_000
    assert corpus.files[0] == "abc.py" and corpus.files == sorted(corpus.files)
    assert corpus.text.startswith(Path(text.stdlib_files()[0]).read_text("utf-8")[:1000])
    assert corpus.vocab == sorted(set(corpus.text)) and corpus.itos == corpus.vocab
    assert all(corpus.stoi[c] == i for i, c in enumerate(corpus.vocab))
    assert corpus.train.dtype == np.int64 and corpus.val.dtype == np.int64
    assert (len(corpus.train), len(corpus.val)) == (180_000, 20_000)  # last 10% is validation
    ids = np.concatenate([corpus.train, corpus.val])
    np.testing.assert_array_equal(ids, corpus.encode(corpus.text))
    assert corpus.decode(ids) == corpus.text
    assert "\r" not in corpus.text
    assert "sha256=" in repr(corpus) and len(repr(corpus)) < 200


def test_default_corpus_size_is_about_a_megabyte():
    full = load_stdlib_corpus()
    assert len(full.text) == 1_000_000
    assert 60 <= full.vocab_size <= 200


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_encode_decode_round_trip(data):
    corpus = small_corpus()
    s = data.draw(st.text(alphabet=st.sampled_from(corpus.vocab), max_size=50))
    ids = corpus.encode(s)
    assert ids.dtype == np.int64 and len(ids) == len(s)
    assert ids.tolist() == [corpus.stoi[c] for c in s]
    assert corpus.decode(ids) == s
    assert corpus.decode(ids.tolist()) == s


def test_encode_rejects_unknown_characters(corpus):
    with pytest.raises(ValueError, match="not in the corpus vocabulary"):
        corpus.encode("def \u2603():")


def test_corpus_from_a_given_directory(tmp_path):
    (tmp_path / "b.py").write_bytes(b"print('b')\r\n")
    (tmp_path / "a.py").write_text("x = 1\n", "utf-8")
    (tmp_path / "_private.py").write_text("SKIP", "utf-8")
    (tmp_path / "sitecustomize.py").write_text("SKIP", "utf-8")  # distribution-specific
    (tmp_path / "notes.txt").write_text("SKIP", "utf-8")
    c = load_stdlib_corpus(max_chars=None, val_fraction=0.25, stdlib_dir=tmp_path)
    assert c.files == ["a.py", "b.py"]
    assert c.text == "x = 1\nprint('b')\n"
    assert len(c.val) == len(c.text) // 4
    short = load_stdlib_corpus(max_chars=3, stdlib_dir=tmp_path)
    assert short.text == "x =" and short.files == ["a.py"]
    with pytest.raises(FileNotFoundError):
        load_stdlib_corpus(stdlib_dir=tmp_path / "missing")


def test_make_sequences_shifts_targets_by_one():
    ids = np.arange(20, dtype=np.int64)
    X, Y = make_sequences(ids, seq_len=4)
    assert X.shape == Y.shape == (4, 4) and X.dtype == np.int64
    np.testing.assert_array_equal(X[1], [4, 5, 6, 7])
    np.testing.assert_array_equal(Y, X + 1)
    X, Y = make_sequences(ids, seq_len=4, step=1)
    assert X.shape == (16, 4) and X[-1, -1] == 18 and Y[-1, -1] == 19
    assert not X.flags.writeable  # views of the ids, no copy
    with pytest.raises(ValueError, match="too few"):
        make_sequences(ids[:4], seq_len=4)
    xb, yb = next(iter(DataLoader(TensorDataset(X, Y), batch_size=3, shuffle=True, seed=0)))
    np.testing.assert_array_equal(yb.numpy(), xb.numpy() + 1)


# ----------------------------------------------------------------------------- MNIST files


def idx_bytes(array: np.ndarray) -> bytes:
    """IDX encoding, written independently of the parser: magic, big-endian dims, data."""
    code = {"u1": 0x08, "i1": 0x09, "i2": 0x0B, "i4": 0x0C, "f4": 0x0D, "f8": 0x0E}
    kind = array.dtype.str[1:]
    header = bytes([0, 0, code[kind], array.ndim]) + b"".join(
        d.to_bytes(4, "big") for d in array.shape
    )
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
def test_parse_idx_round_trip(dtype):
    a = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
    if dtype == np.uint8:
        a = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    got = mnist.parse_idx(idx_bytes(a))
    assert got.dtype == np.dtype(dtype) and got.shape == (2, 3, 4)
    np.testing.assert_array_equal(got, a)


def test_parse_idx_errors():
    with pytest.raises(ValueError, match="not an IDX file"):
        mnist.parse_idx(b"<html>404</html>")
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*but 5 data bytes"):
        mnist.parse_idx(idx_bytes(np.zeros((2, 3), np.uint8))[:-1])


def test_read_idx_gz_and_plain(tmp_path):
    a = np.arange(12, dtype=np.uint8).reshape(3, 4)
    (tmp_path / "a.idx").write_bytes(idx_bytes(a))
    (tmp_path / "a.idx.gz").write_bytes(gzip.compress(idx_bytes(a)))
    np.testing.assert_array_equal(mnist.read_idx(tmp_path / "a.idx"), a)
    np.testing.assert_array_equal(mnist.read_idx(tmp_path / "a.idx.gz"), a)


@pytest.fixture
def fake_mirror(tmp_path, monkeypatch):
    """A local 'mirror' (file:// URL) with tiny MNIST-format files and their sha256."""
    rng = np.random.default_rng(0)
    files = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte.gz": np.array([3, 1, 4, 1, 5], np.uint8),
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (2, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte.gz": np.array([9, 2], np.uint8),
    }
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    sums = {}
    for name, array in files.items():
        blob = gzip.compress(idx_bytes(array), mtime=0)
        (mirror / name).write_bytes(blob)
        sums[name] = hashlib.sha256(blob).hexdigest()
    monkeypatch.setitem(mnist.SHA256, "mnist", sums)
    monkeypatch.setitem(mnist.MIRRORS, "mnist", [mirror.as_uri() + "/"])
    return mirror, files


def test_load_mnist_downloads_verifies_and_caches(tmp_path, fake_mirror, monkeypatch):
    mirror, files = fake_mirror
    root = tmp_path / "cache"
    X, y = mnist.load_mnist(root=root, split="train")
    assert X.shape == (5, 784) and X.dtype == np.float32 and 0 <= X.min() and X.max() <= 1
    assert y.dtype == np.int64 and y.tolist() == [3, 1, 4, 1, 5]
    np.testing.assert_allclose(X * 255, files["train-images-idx3-ubyte.gz"].reshape(5, -1))
    assert sorted(p.name for p in (root / "mnist").iterdir()) == [
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
    ]  # no partial files left behind
    # Cache hit: with every mirror gone, the verified cached files still load.
    monkeypatch.setitem(mnist.MIRRORS, "mnist", [(tmp_path / "gone").as_uri() + "/"])
    X2, _ = mnist.load_mnist(root=root, split="train", flatten=False, normalize=False)
    assert X2.shape == (5, 1, 28, 28)
    np.testing.assert_array_equal(X2[:, 0], files["train-images-idx3-ubyte.gz"])


def test_corrupt_cache_is_fetched_again(tmp_path, fake_mirror):
    root = tmp_path / "cache"
    bad = root / "mnist" / "t10k-labels-idx1-ubyte.gz"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"truncated")
    _, y = mnist.load_mnist(root=root, split="test")
    assert y.tolist() == [9, 2]
    assert mnist.sha256_of(bad) == mnist.SHA256["mnist"][bad.name]


def test_checksum_mismatch_keeps_nothing(tmp_path, fake_mirror):
    mirror, _ = fake_mirror
    dest = tmp_path / "out" / "f.gz"
    with pytest.raises(ValueError, match="checksum mismatch"):
        mnist.download((mirror / "t10k-labels-idx1-ubyte.gz").as_uri(), dest, "0" * 64)
    assert list(dest.parent.iterdir()) == []


def test_offline_error_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setitem(mnist.MIRRORS, "mnist", [(tmp_path / "nowhere").as_uri() + "/"])
    with pytest.raises(RuntimeError, match=r"(?s)no internet.*load_digits"):
        mnist.load_mnist(root=tmp_path, split="test")


def test_cache_dir_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA", str(tmp_path))
    assert mnist.cache_dir() == tmp_path
    monkeypatch.delenv("COURSE_DATA")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert mnist.cache_dir() == tmp_path / "xdg" / "course"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert mnist.cache_dir() == Path.home() / ".cache" / "course"


@pytest.mark.parametrize("kwargs", [{"kind": "kmnist"}, {"split": "val"}])
def test_load_mnist_bad_arguments(kwargs, tmp_path):
    with pytest.raises(ValueError, match="load_mnist"):
        mnist.load_mnist(root=tmp_path, **kwargs)


def test_known_checksums_are_well_formed():
    for kind in ("mnist", "fashion"):
        assert len(mnist.SHA256[kind]) == 4
        assert all(len(h) == 64 and int(h, 16) >= 0 for h in mnist.SHA256[kind].values())
