"""Plausible wrong answers for lesson 00_speed (see tests/lessons/test_wrong_answers.py).

Each exercise's first variant is also graded by the real pipeline (test_grading.py)."""

WRONG = {
    "ex_median_time": {
        # The mean is dragged up by outliers; the median is asked for.
        "mean instead of median": '''def median_time(fn, warmup=2, repeat=7):
    for _ in range(warmup):
        fn()
    total = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        total += time.perf_counter() - start
    return total / repeat
''',
        # One loop for everything: the cold first calls end up among the samples.
        "warm-up calls timed too": '''def median_time(fn, warmup=2, repeat=7):
    durations = []
    for i in range(warmup + repeat):
        start = time.perf_counter()
        fn()
        durations.append(time.perf_counter() - start)
    return float(np.median(durations))
''',
        # The "middle element" of a sorted list: wrong for an even number of samples.
        "middle element for an even repeat": '''def median_time(fn, warmup=2, repeat=7):
    for _ in range(warmup):
        fn()
    durations = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        durations.append(time.perf_counter() - start)
    return float(sorted(durations)[repeat // 2])
''',
        # timeit's advice ("take the min") applied where the median is asked for.
        "minimum instead of median": '''def median_time(fn, warmup=2, repeat=7):
    for _ in range(warmup):
        fn()
    durations = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        durations.append(time.perf_counter() - start)
    return min(durations)
''',
        # Forgets the warm-up altogether.
        "no warm-up calls": '''def median_time(fn, warmup=2, repeat=7):
    durations = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        durations.append(time.perf_counter() - start)
    return float(np.median(durations))
''',
    },
    "ex_dot_loops": {
        # zip silently drops the extra elements of the longer input.
        "zip drops the extra elements": '''def dot_loops(x, y):
    total = 0.0
    for a, b in zip(x, y):
        total += a * b
    return total
''',
        # Indexes by position: a shorter y raises IndexError, a longer one is cut silently.
        "range(len(x)) without a length check": '''def dot_loops(x, y):
    total = 0.0
    for i in range(len(x)):
        total += x[i] * y[i]
    return float(total)
''',
        # Starts from the int 0 and returns what the loop leaves: 0 for empty inputs, and a
        # NumPy scalar for float32 arrays.
        "no float conversion": '''def dot_loops(x, y):
    if len(x) != len(y):
        raise ValueError(f"lengths {len(x)} and {len(y)} differ")
    total = 0
    for a, b in zip(x, y):
        total += a * b
    return total
''',
        # Checks the lengths but the message does not say what they are.
        "error names no lengths": '''def dot_loops(x, y):
    if len(x) != len(y):
        raise ValueError("dot_loops: the vectors must have the same length")
    total = 0.0
    for a, b in zip(x, y):
        total += a * b
    return float(total)
''',
    },
    "ex_matmul_loops": {
        # Assumes square matrices.
        "assumes square matrices": '''def matmul_loops(A, B):
    n = A.shape[0]
    C = np.zeros((n, n), dtype=A.dtype)
    for i in range(n):
        for j in range(n):
            for p in range(n):
                C[i, j] += A[i, p] * B[p, j]
    return C
''',
        # Overwrites C[i, j] at each p instead of summing: only the last term survives.
        "= instead of +=": '''def matmul_loops(A, B):
    (n, k), (k2, m) = A.shape, B.shape
    if k != k2:
        raise ValueError(f"shapes {A.shape} and {B.shape} do not align")
    C = np.zeros((n, m), dtype=A.dtype)
    for i in range(n):
        for j in range(m):
            for p in range(k):
                C[i, j] = A[i, p] * B[p, j]
    return C
''',
        # np.zeros defaults to float64: float32 in, float64 out.
        "float64 output": '''def matmul_loops(A, B):
    (n, k), (k2, m) = A.shape, B.shape
    if k != k2:
        raise ValueError(f"shapes {A.shape} and {B.shape} do not align")
    C = np.zeros((n, m))
    for i in range(n):
        for j in range(m):
            for p in range(k):
                C[i, j] += A[i, p] * B[p, j]
    return C
''',
        # Loops over A's columns and never compares them with B's rows.
        "no shape check": '''def matmul_loops(A, B):
    n, k = A.shape
    m = B.shape[1]
    C = np.zeros((n, m), dtype=A.dtype)
    for i in range(n):
        for j in range(m):
            for p in range(k):
                C[i, j] += A[i, p] * B[p, j]
    return C
''',
    },
    "ex_matmul_gflops": {
        # Counts an n^3 matmul whatever the shapes.
        "n^3 whatever the shapes": '''def matmul_gflops(n, m, k, seconds):
    return 2.0 * n**3 / seconds / 1e9
''',
        # Counts a multiply-add as one FLOP.
        "no factor 2": '''def matmul_gflops(n, m, k, seconds):
    if seconds <= 0:
        raise ValueError(f"seconds must be positive, got {seconds}")
    return n * m * k / seconds / 1e9
''',
        # MFLOP/s: the wrong power of ten.
        "divides by 1e6": '''def matmul_gflops(n, m, k, seconds):
    if seconds <= 0:
        raise ValueError(f"seconds must be positive, got {seconds}")
    return 2.0 * n * m * k / seconds / 1e6
''',
        # Right formula; a zero or negative time goes through (ZeroDivisionError, negative speed).
        "no check of seconds": '''def matmul_gflops(n, m, k, seconds):
    return 2.0 * n * m * k / seconds / 1e9
''',
    },
    "ex_peak_gflops": {
        # Forgets that a core has more than one FMA unit.
        "forgets the FMA units": '''def peak_gflops(cores, ghz, fma_units, simd_bits):
    return float(cores * ghz * (simd_bits / 32) * 2)
''',
        # Counts float64 lanes.
        "64-bit lanes": '''def peak_gflops(cores, ghz, fma_units, simd_bits):
    return float(cores * ghz * fma_units * (simd_bits / 64) * 2)
''',
        # Counts a fused multiply-add as one FLOP.
        "FMA counted as one FLOP": '''def peak_gflops(cores, ghz, fma_units, simd_bits):
    return float(cores * ghz * fma_units * (simd_bits / 32))
''',
    },
    "ex_pairwise_sq_dists": {
        # Right formula, but float64 constants and no clipping at 0.
        "float64 constant, no clipping": '''def pairwise_sq_dists(X, Y):
    x_sq = np.sum(X**2, axis=1, keepdims=True)
    y_sq = np.sum(Y**2, axis=1)
    return x_sq + y_sq - np.float64(2.0) * X @ Y.T
''',
        # float32 kept, but the rounding below 0 is left in.
        "no clipping": '''def pairwise_sq_dists(X, Y):
    x_sq = (X * X).sum(axis=1)[:, None]
    y_sq = (Y * Y).sum(axis=1)[None, :]
    return x_sq + y_sq - 2 * (X @ Y.T)
''',
        # Norms instead of squared norms.
        "norms not squared": '''def pairwise_sq_dists(X, Y):
    x_n = np.linalg.norm(X, axis=1)[:, None]
    y_n = np.linalg.norm(Y, axis=1)[None, :]
    return np.maximum(x_n + y_n - 2 * (X @ Y.T), 0)
''',
        # Computes in float64 "for accuracy" and returns float64.
        "float64 result": '''def pairwise_sq_dists(X, Y):
    X, Y = X.astype(np.float64), Y.astype(np.float64)
    D = (X * X).sum(axis=1)[:, None] + (Y * Y).sum(axis=1)[None, :] - 2 * (X @ Y.T)
    return np.maximum(D, 0)
''',
    },
}

HIDDEN_ONLY = {}
