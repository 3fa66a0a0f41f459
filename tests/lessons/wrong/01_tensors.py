"""Plausible wrong answers for lesson 01_tensors (see tests/lessons/test_grading.py)."""

WRONG = {
    # Generalises the 2-D example instead of the rule.
    "ex_contiguous_strides": '''def contiguous_strides(shape, itemsize):
    return (shape[1] * itemsize, itemsize)
''',
    # The classic reshape trap: a transposed array cannot be flattened without a copy.
    "ex_view_or_copy": '''def view_or_copy():
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
    # Takes the larger size, so (2,) and (3,) "broadcast" and (0,) with (1,) gives 1.
    "ex_broadcast_shape": '''def broadcast_shape(a, b):
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    return tuple(max(p, q) for p, q in zip(a, b))
''',
    # Assumes a contiguous input: the element size is not the stride of x[::3].
    "ex_sliding_windows": '''def sliding_windows(x, window):
    n = len(x)
    if not 1 <= window <= n:
        raise ValueError(f"window {window} out of range")
    return as_strided(x, shape=(n - window + 1, window), strides=(x.itemsize, x.itemsize))
''',
    # Var = E[x^2] - E[x]^2: cancels catastrophically in float32.
    "ex_standardize": '''def standardize(X, axis=0, eps=1e-5):
    mean = X.mean(axis=axis, keepdims=True)
    var = (X * X).mean(axis=axis, keepdims=True) - mean * mean
    return (X - mean) / (np.sqrt(np.maximum(var, 0)) + X.dtype.type(eps))
''',
    # Trusts broadcasting to catch shape errors; it does not when A has one column.
    "ex_matmul_broadcast": '''def matmul_broadcast(A, B):
    return (A[:, :, None] * B[None, :, :]).sum(axis=1)
''',
}

VISIBLE_PASSES = set(WRONG) - {"ex_contiguous_strides"}
