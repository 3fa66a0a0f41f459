"""Plausible wrong answers for lesson 00_speed (see tests/lessons/test_grading.py)."""

WRONG = {
    # The mean is dragged up by outliers; the median is asked for.
    "ex_median_time": '''def median_time(fn, warmup=2, repeat=7):
    for _ in range(warmup):
        fn()
    total = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        total += time.perf_counter() - start
    return total / repeat
''',
    # zip silently drops the extra elements of the longer input.
    "ex_dot_loops": '''def dot_loops(x, y):
    total = 0.0
    for a, b in zip(x, y):
        total += a * b
    return total
''',
    # Assumes square matrices.
    "ex_matmul_loops": '''def matmul_loops(A, B):
    n = A.shape[0]
    C = np.zeros((n, n), dtype=A.dtype)
    for i in range(n):
        for j in range(n):
            for p in range(n):
                C[i, j] += A[i, p] * B[p, j]
    return C
''',
    # Counts an n^3 matmul whatever the shapes.
    "ex_matmul_gflops": '''def matmul_gflops(n, m, k, seconds):
    return 2.0 * n**3 / seconds / 1e9
''',
    # Forgets that a core has more than one FMA unit.
    "ex_peak_gflops": '''def peak_gflops(cores, ghz, fma_units, simd_bits):
    return float(cores * ghz * (simd_bits / 32) * 2)
''',
    # Right formula, but float64 constants and no clipping at 0.
    "ex_pairwise_sq_dists": '''def pairwise_sq_dists(X, Y):
    x_sq = np.sum(X**2, axis=1, keepdims=True)
    y_sq = np.sum(Y**2, axis=1)
    return x_sq + y_sq - np.float64(2.0) * X @ Y.T
''',
}

VISIBLE_PASSES = set(WRONG)
