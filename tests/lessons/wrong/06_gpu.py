"""Plausible wrong answers for lesson 06_gpu (see tests/lessons/test_grading.py).

Each is a mistake that Numba's CUDA simulator exposes on a CPU-only grader, and each is caught
by the visible tests (VISIBLE_PASSES is empty).
"""

WRONG = {
    # One thread per element and no grid-stride loop: a 64-thread grid leaves elements 64.. of
    # the 91 unwritten.
    "ex_bias_relu": """\
@cuda.jit
def bias_relu_kernel(x, bias, out):
    n_rows, n_cols = x.shape
    i = cuda.grid(1)
    if i < n_rows * n_cols:
        r, c = i // n_cols, i % n_cols
        v = x[r, c] + bias[c]
        out[r, c] = v if v > 0 else 0
""",
    # out >= 0 is true everywhere after a ReLU: the gradient leaks through clipped elements.
    "ex_bias_relu_backward": """\
@cuda.jit
def bias_relu_backward_kernel(grad, out, grad_x):
    n_rows, n_cols = out.shape
    for i in range(cuda.grid(1), n_rows * n_cols, cuda.gridsize(1)):
        r, c = i // n_cols, i % n_cols
        grad_x[r, c] = grad[r, c] if out[r, c] >= 0 else 0
""",
    # `=` for `+=` in the block-stride loop: each thread keeps only its last element.
    "ex_row_sum": """\
@cuda.jit
def row_sum_kernel(x, out):
    row, t = cuda.blockIdx.x, cuda.threadIdx.x
    shared = cuda.shared.array(BLOCK, float32)
    acc = 0.0
    for j in range(t, x.shape[1], BLOCK):
        acc = x[row, j]
    shared[t] = acc
    cuda.syncthreads()
    step = BLOCK // 2
    while step > 0:
        if t < step:
            shared[t] += shared[t + step]
        cuda.syncthreads()
        step //= 2
    if t == 0:
        out[row] = shared[0]
""",
    # No max subtraction: exp(1000) overflows.
    "ex_softmax": """\
@cuda.jit
def softmax_kernel(x, out):
    row, t = cuda.blockIdx.x, cuda.threadIdx.x
    n = x.shape[1]
    shared = cuda.shared.array(BLOCK, float32)
    s = 0.0
    for j in range(t, n, BLOCK):
        s += math.exp(x[row, j])
    shared[t] = s
    cuda.syncthreads()
    step = BLOCK // 2
    while step > 0:
        if t < step:
            shared[t] += shared[t + step]
        cuda.syncthreads()
        step //= 2
    s = shared[0]
    for j in range(t, n, BLOCK):
        out[row, j] = math.exp(x[row, j]) / s
""",
    # No bounds check: the threads past the edge of c index past the end of a and c.
    "ex_matmul": """\
@cuda.jit
def matmul_kernel(a, b, c):
    col, row = cuda.grid(2)
    acc = 0.0
    for k in range(a.shape[1]):
        acc += a[row, k] * b[k, col]
    c[row, col] = acc
""",
    # Wrong tile index: b's tile is loaded transposed (k0 + tx instead of k0 + ty).
    "ex_matmul_tiled": """\
@cuda.jit
def matmul_tiled_kernel(a, b, c):
    sa = cuda.shared.array((TILE, TILE), float32)
    sb = cuda.shared.array((TILE, TILE), float32)
    tx, ty = cuda.threadIdx.x, cuda.threadIdx.y
    col, row = cuda.grid(2)
    m, k, n = a.shape[0], a.shape[1], b.shape[1]
    acc = 0.0
    for t in range((k + TILE - 1) // TILE):
        k0 = t * TILE
        sa[ty, tx] = a[row, k0 + tx] if row < m and k0 + tx < k else 0
        sb[ty, tx] = b[k0 + tx, col] if k0 + tx < k and col < n else 0
        cuda.syncthreads()
        for kk in range(TILE):
            acc += sa[ty, kk] * sb[kk, tx]
        cuda.syncthreads()
    if row < m and col < n:
        c[row, col] = acc
""",
    # The gradient of the summed loss, not the mean: forgets the 1/N.
    "ex_cross_entropy": """\
@cuda.jit
def cross_entropy_kernel(logits, labels, loss, dlogits):
    row, t = cuda.blockIdx.x, cuda.threadIdx.x
    n = logits.shape[1]
    label = labels[row]
    shared = cuda.shared.array(BLOCK, float32)
    m = -math.inf
    for j in range(t, n, BLOCK):
        m = max(m, logits[row, j])
    shared[t] = m
    cuda.syncthreads()
    step = BLOCK // 2
    while step > 0:
        if t < step:
            shared[t] = max(shared[t], shared[t + step])
        cuda.syncthreads()
        step //= 2
    m = shared[0]
    cuda.syncthreads()
    s = 0.0
    for j in range(t, n, BLOCK):
        s += math.exp(logits[row, j] - m)
    shared[t] = s
    cuda.syncthreads()
    step = BLOCK // 2
    while step > 0:
        if t < step:
            shared[t] += shared[t + step]
        cuda.syncthreads()
        step //= 2
    s = shared[0]
    if t == 0:
        loss[row] = m + math.log(s) - logits[row, label]
    for j in range(t, n, BLOCK):
        p = math.exp(logits[row, j] - m) / s
        dlogits[row, j] = p - (1.0 if j == label else 0.0)
""",
    # Times the launch only: no sync inside the timed region.
    "ex_timed": """\
def timed(fn, sync, repeat=5):
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    sync()
    return float(np.median(times))
""",
}

VISIBLE_PASSES: set[str] = set()
