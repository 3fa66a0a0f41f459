"""Plausible wrong answers for lesson 01_tensors (see tests/lessons/test_wrong_answers.py).

Each exercise's first variant is also graded by the real pipeline (test_grading.py)."""

WRONG = {
    "ex_contiguous_strides": {
        # Generalises the 2-D example instead of the rule.
        "2-D only": '''def contiguous_strides(shape, itemsize):
    return (shape[1] * itemsize, itemsize)
''',
        # Walks from the left: column-major (Fortran) strides.
        "column-major order": '''def contiguous_strides(shape, itemsize):
    strides = []
    step = itemsize
    for size in shape:
        strides.append(step)
        step *= size
    return tuple(strides)
''',
        # PyTorch's unit: counts elements, not bytes.
        "elements, not bytes": '''def contiguous_strides(shape, itemsize):
    return tuple(int(np.prod(shape[d + 1:])) for d in range(len(shape)))
''',
        # Off by one: includes the axis's own size.
        "includes its own axis": '''def contiguous_strides(shape, itemsize):
    return tuple(itemsize * int(np.prod(shape[d:])) for d in range(len(shape)))
''',
        # Right numbers, in a list.
        "returns a list": '''def contiguous_strides(shape, itemsize):
    strides = [itemsize] * len(shape)
    for d in range(len(shape) - 2, -1, -1):
        strides[d] = strides[d + 1] * shape[d + 1]
    return strides
''',
    },
    "ex_view_or_copy": {
        # The classic reshape trap: a transposed array cannot be flattened without a copy.
        "transposed reshape and ravel as views": '''def view_or_copy():
    return {
        "x[1:, ::2]": "view",
        "x.T": "view",
        "x[[0, 2]]": "copy",
        "x[x > 5]": "copy",
        "x.reshape(6, 2)": "view",
        "x.T.reshape(12)": "view",
        "x[:, 1].reshape(3, 1)": "view",
        "x.ravel()": "view",
        "x.T.ravel()": "view",
        "x[None, :, ::-1]": "view",
        "np.broadcast_to(x, (2, 3, 4))": "view",
        "x + 0": "copy",
    }
''',
        # Indexing with a list or a mask looks like slicing: thought to be views.
        "fancy indexing as views": '''def view_or_copy():
    return {
        "x[1:, ::2]": "view",
        "x.T": "view",
        "x[[0, 2]]": "view",
        "x[x > 5]": "view",
        "x.reshape(6, 2)": "view",
        "x.T.reshape(12)": "copy",
        "x[:, 1].reshape(3, 1)": "view",
        "x.ravel()": "view",
        "x.T.ravel()": "copy",
        "x[None, :, ::-1]": "view",
        "np.broadcast_to(x, (2, 3, 4))": "view",
        "x + 0": "copy",
    }
''',
        # A reversed axis and a stretched one look like new data.
        "negative step and broadcast_to as copies": '''def view_or_copy():
    return {
        "x[1:, ::2]": "view",
        "x.T": "view",
        "x[[0, 2]]": "copy",
        "x[x > 5]": "copy",
        "x.reshape(6, 2)": "view",
        "x.T.reshape(12)": "copy",
        "x[:, 1].reshape(3, 1)": "view",
        "x.ravel()": "view",
        "x.T.ravel()": "copy",
        "x[None, :, ::-1]": "copy",
        "np.broadcast_to(x, (2, 3, 4))": "copy",
        "x + 0": "copy",
    }
''',
        # "Reshaping a non-contiguous array copies": true for x.T, not for adding an axis.
        "every reshape of a non-contiguous array as a copy": '''def view_or_copy():
    return {
        "x[1:, ::2]": "view",
        "x.T": "view",
        "x[[0, 2]]": "copy",
        "x[x > 5]": "copy",
        "x.reshape(6, 2)": "view",
        "x.T.reshape(12)": "copy",
        "x[:, 1].reshape(3, 1)": "copy",
        "x.ravel()": "view",
        "x.T.ravel()": "copy",
        "x[None, :, ::-1]": "view",
        "np.broadcast_to(x, (2, 3, 4))": "view",
        "x + 0": "copy",
    }
''',
    },
    "ex_broadcast_shape": {
        # Takes the larger size, so (2,) and (3,) "broadcast" and (0,) with (1,) gives 1.
        "max without checking": '''def broadcast_shape(a, b):
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    return tuple(max(p, q) for p, q in zip(a, b))
''',
        # zip stops at the shorter shape: the longer shape's leading axes are lost.
        "no padding of the shorter shape": '''def broadcast_shape(a, b):
    out = []
    for p, q in zip(reversed(a), reversed(b)):
        if p != q and 1 not in (p, q):
            raise ValueError(f"shapes {a} and {b} do not broadcast")
        out.append(q if p == 1 else p)
    return tuple(reversed(out))
''',
        # Pads on the wrong side: lines the shapes up from the left.
        "pads on the right": '''def broadcast_shape(a, b):
    n = max(len(a), len(b))
    a_full = tuple(a) + (1,) * (n - len(a))
    b_full = tuple(b) + (1,) * (n - len(b))
    out = []
    for p, q in zip(a_full, b_full):
        if p != q and 1 not in (p, q):
            raise ValueError(f"shapes {a} and {b} do not broadcast")
        out.append(max(p, q))
    return tuple(out)
''',
        # Checks the rule, then takes the larger size: 1 against 0 gives 1.
        "max after the check (1 with 0 gives 1)": '''def broadcast_shape(a, b):
    n = max(len(a), len(b))
    a_full = (1,) * (n - len(a)) + tuple(a)
    b_full = (1,) * (n - len(b)) + tuple(b)
    out = []
    for p, q in zip(a_full, b_full):
        if p != q and 1 not in (p, q):
            raise ValueError(f"shapes {a} and {b} do not broadcast")
        out.append(max(p, q))
    return tuple(out)
''',
        # Only stretches b: a size 1 in a is taken as a clash.
        "only one side stretches": '''def broadcast_shape(a, b):
    n = max(len(a), len(b))
    a_full = (1,) * (n - len(a)) + tuple(a)
    b_full = (1,) * (n - len(b)) + tuple(b)
    out = []
    for p, q in zip(a_full, b_full):
        if q != 1 and p != q:
            raise ValueError(f"shapes {a} and {b} do not broadcast")
        out.append(p)
    return tuple(out)
''',
        # Right shape; the error does not say which shapes.
        "error names no shapes": '''def broadcast_shape(a, b):
    n = max(len(a), len(b))
    a_full = (1,) * (n - len(a)) + tuple(a)
    b_full = (1,) * (n - len(b)) + tuple(b)
    out = []
    for p, q in zip(a_full, b_full):
        if p != q and 1 not in (p, q):
            raise ValueError(f"sizes {p} and {q} do not broadcast")
        out.append(p if q == 1 else q)
    return tuple(out)
''',
    },
    "ex_sliding_windows": {
        # Assumes a contiguous input: the element size is not the stride of x[::3].
        "itemsize instead of x's stride": '''def sliding_windows(x, window):
    n = len(x)
    if not 1 <= window <= n:
        raise ValueError(f"window {window} out of range")
    return as_strided(x, shape=(n - window + 1, window), strides=(x.itemsize, x.itemsize))
''',
        # Non-overlapping windows: each row starts a whole window after the previous one.
        "non-overlapping windows": '''def sliding_windows(x, window):
    n = len(x)
    if not 1 <= window <= n:
        raise ValueError(f"window {window} out of range")
    (stride,) = x.strides
    return as_strided(x, shape=(n // window, window), strides=(window * stride, stride))
''',
        # One window too few.
        "n - window rows": '''def sliding_windows(x, window):
    n = len(x)
    if not 1 <= window <= n:
        raise ValueError(f"window {window} out of range")
    (stride,) = x.strides
    return as_strided(x, shape=(n - window, window), strides=(stride, stride))
''',
        # Right values, but stacked copies of the slices.
        "a copy, not a view": '''def sliding_windows(x, window):
    n = len(x)
    if not 1 <= window <= n:
        raise ValueError(f"window {window} out of range")
    return np.array([x[i:i + window] for i in range(n - window + 1)])
''',
        # No range check: window 0 or window > n give empty arrays instead of an error.
        "no range check": '''def sliding_windows(x, window):
    n = len(x)
    (stride,) = x.strides
    return as_strided(x, shape=(max(n - window + 1, 0), max(window, 0)), strides=(stride, stride))
''',
    },
    "ex_standardize": {
        # Var = E[x^2] - E[x]^2: cancels catastrophically in float32.
        "E[x^2] - E[x]^2": '''def standardize(X, axis=0, eps=1e-5):
    mean = X.mean(axis=axis, keepdims=True)
    var = (X * X).mean(axis=axis, keepdims=True) - mean * mean
    return (X - mean) / (np.sqrt(np.maximum(var, 0)) + X.dtype.type(eps))
''',
        # Ignores the axis argument: always the columns.
        "always axis 0": '''def standardize(X, axis=0, eps=1e-5):
    centred = X - X.mean(axis=0, keepdims=True)
    return centred / (centred.std(axis=0, keepdims=True) + X.dtype.type(eps))
''',
        # Drops keepdims: works for axis 0, fails or silently misaligns for axis 1.
        "no keepdims": '''def standardize(X, axis=0, eps=1e-5):
    centred = X - X.mean(axis=axis)
    return centred / (X.std(axis=axis) + X.dtype.type(eps))
''',
        # Sample standard deviation (n - 1), not the population one.
        "sample std (ddof=1)": '''def standardize(X, axis=0, eps=1e-5):
    mean = X.mean(axis=axis, keepdims=True)
    std = X.std(axis=axis, keepdims=True, ddof=1)
    return (X - mean) / (std + X.dtype.type(eps))
''',
        # BatchNorm's habit: eps under the square root.
        "eps under the square root": '''def standardize(X, axis=0, eps=1e-5):
    centred = X - X.mean(axis=axis, keepdims=True)
    var = (centred * centred).mean(axis=axis, keepdims=True)
    return centred / np.sqrt(var + X.dtype.type(eps))
''',
        # np.array(eps) is a float64 array: float32 in, float64 out.
        "float64 eps": '''def standardize(X, axis=0, eps=1e-5):
    centred = X - X.mean(axis=axis, keepdims=True)
    std = np.sqrt((centred * centred).mean(axis=axis, keepdims=True))
    return centred / (std + np.array(eps))
''',
    },
    "ex_matmul_broadcast": {
        # Trusts broadcasting to catch shape errors; it does not when A has one column.
        "no shape check": '''def matmul_broadcast(A, B):
    return (A[:, :, None] * B[None, :, :]).sum(axis=1)
''',
        # Sums the wrong axis: the rows of A instead of the shared axis.
        "sums over the wrong axis": '''def matmul_broadcast(A, B):
    if A.shape[1] != B.shape[0]:
        raise ValueError(f"shapes {A.shape} and {B.shape} do not align")
    return (A[:, :, None] * B[None, :, :]).sum(axis=0)
''',
        # Lines B up on the wrong axis: only A is broadcast the right way.
        "B broadcast on the wrong axis": '''def matmul_broadcast(A, B):
    if A.shape[1] != B.shape[0]:
        raise ValueError(f"shapes {A.shape} and {B.shape} do not align")
    return (A[:, :, None] * B[:, None, :]).sum(axis=1)
''',
        # Compares the wrong sizes: rejects valid non-square products.
        "checks the wrong dimensions": '''def matmul_broadcast(A, B):
    if A.shape[0] != B.shape[0]:
        raise ValueError(f"shapes {A.shape} and {B.shape} do not align")
    return (A[:, :, None] * B[None, :, :]).sum(axis=1)
''',
    },
}

HIDDEN_ONLY = {}
