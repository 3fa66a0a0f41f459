"""Plausible wrong answers for lesson 06_gpu (see tests/lessons/test_wrong_answers.py).

WRONG maps an answer cell's grade_id to its wrong variants, {description: full answer cell};
each must run, fail the visible test (what Validate runs) and score 0. Each is a mistake that
Numba's CUDA simulator exposes on a CPU-only grader. Races (a missing cuda.syncthreads()) are
not planted: the simulator does not expose them reliably. HIDDEN_ONLY is empty.
"""

WRONG = {
    "ex_bias_relu": {
        # One thread per element and no grid-stride loop: a 64-thread grid leaves elements 64..
        # of the 91 unwritten.
        "no grid-stride loop": """\
@cuda.jit
def bias_relu_kernel(x, bias, out):
    n_rows, n_cols = x.shape
    i = cuda.grid(1)
    if i < n_rows * n_cols:
        r, c = i // n_cols, i % n_cols
        v = x[r, c] + bias[c]
        out[r, c] = v if v > 0 else 0
""",
        # Starts at the thread's index in its BLOCK, not in the grid: every block does the same
        # elements, and those of threads 32..63 of each stride are never written.
        "starts at threadIdx.x, not cuda.grid(1)": """\
@cuda.jit
def bias_relu_kernel(x, bias, out):
    n_rows, n_cols = x.shape
    for i in range(cuda.threadIdx.x, n_rows * n_cols, cuda.gridsize(1)):
        r, c = i // n_cols, i % n_cols
        v = x[r, c] + bias[c]
        out[r, c] = v if v > 0 else 0
""",
        # The bias broadcast over the wrong axis: one bias per row instead of per column.
        "bias indexed by row": """\
@cuda.jit
def bias_relu_kernel(x, bias, out):
    n_rows, n_cols = x.shape
    for i in range(cuda.grid(1), n_rows * n_cols, cuda.gridsize(1)):
        r, c = i // n_cols, i % n_cols
        v = x[r, c] + bias[r]
        out[r, c] = v if v > 0 else 0
""",
    },
    "ex_bias_relu_backward": {
        # out >= 0 is true everywhere after a ReLU: the gradient leaks through clipped elements.
        "mask out >= 0": """\
@cuda.jit
def bias_relu_backward_kernel(grad, out, grad_x):
    n_rows, n_cols = out.shape
    for i in range(cuda.grid(1), n_rows * n_cols, cuda.gridsize(1)):
        r, c = i // n_cols, i % n_cols
        grad_x[r, c] = grad[r, c] if out[r, c] >= 0 else 0
""",
        # grad * out instead of grad * (out > 0): the value, not the ReLU's derivative.
        "multiplied by out, not by the mask": """\
@cuda.jit
def bias_relu_backward_kernel(grad, out, grad_x):
    n_rows, n_cols = out.shape
    for i in range(cuda.grid(1), n_rows * n_cols, cuda.gridsize(1)):
        r, c = i // n_cols, i % n_cols
        grad_x[r, c] = grad[r, c] * out[r, c]
""",
        # One thread per element: the 64-thread grid leaves the rest of the 91 unwritten.
        "no grid-stride loop": """\
@cuda.jit
def bias_relu_backward_kernel(grad, out, grad_x):
    n_rows, n_cols = out.shape
    i = cuda.grid(1)
    if i < n_rows * n_cols:
        r, c = i // n_cols, i % n_cols
        grad_x[r, c] = grad[r, c] if out[r, c] > 0 else 0
""",
    },
    "ex_row_sum": {
        # `=` for `+=` in the block-stride loop: each thread keeps only its last element.
        "= instead of += in the block-stride loop": """\
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
        # Assumes the row length is a multiple of the block: the tail n % BLOCK is dropped (and
        # a row shorter than the block sums to 0).
        "whole blocks only (n // BLOCK strides)": """\
@cuda.jit
def row_sum_kernel(x, out):
    row, t = cuda.blockIdx.x, cuda.threadIdx.x
    shared = cuda.shared.array(BLOCK, float32)
    acc = 0.0
    for j in range(x.shape[1] // BLOCK):
        acc += x[row, t + j * BLOCK]
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
        # The tree stops one step early (step > 1): shared[1] is never added to shared[0].
        "tree stops at step 2": """\
@cuda.jit
def row_sum_kernel(x, out):
    row, t = cuda.blockIdx.x, cuda.threadIdx.x
    shared = cuda.shared.array(BLOCK, float32)
    acc = 0.0
    for j in range(t, x.shape[1], BLOCK):
        acc += x[row, j]
    shared[t] = acc
    cuda.syncthreads()
    step = BLOCK // 2
    while step > 1:
        if t < step:
            shared[t] += shared[t + step]
        cuda.syncthreads()
        step //= 2
    if t == 0:
        out[row] = shared[0]
""",
    },
    "ex_softmax": {
        # No max subtraction: exp(1000) overflows.
        "no max subtracted": """\
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
        # The max starts at 0.0, not -inf: a row of very negative logits gets "max" 0, every
        # exp underflows to 0 and the sum is 0.
        "max started at 0": """\
@cuda.jit
def softmax_kernel(x, out):
    row, t = cuda.blockIdx.x, cuda.threadIdx.x
    n = x.shape[1]
    shared = cuda.shared.array(BLOCK, float32)
    m = 0.0
    for j in range(t, n, BLOCK):
        m = max(m, x[row, j])
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
        s += math.exp(x[row, j] - m)
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
        out[row, j] = math.exp(x[row, j] - m) / s
""",
        # The max is reduced over the block but the sum is not: each thread divides by its own
        # partial sum (right only when the row fits in one element per thread... never).
        "sum not reduced over the block": """\
@cuda.jit
def softmax_kernel(x, out):
    row, t = cuda.blockIdx.x, cuda.threadIdx.x
    n = x.shape[1]
    shared = cuda.shared.array(BLOCK, float32)
    m = -math.inf
    for j in range(t, n, BLOCK):
        m = max(m, x[row, j])
    shared[t] = m
    cuda.syncthreads()
    step = BLOCK // 2
    while step > 0:
        if t < step:
            shared[t] = max(shared[t], shared[t + step])
        cuda.syncthreads()
        step //= 2
    m = shared[0]
    s = 0.0
    for j in range(t, n, BLOCK):
        s += math.exp(x[row, j] - m)
    for j in range(t, n, BLOCK):
        out[row, j] = math.exp(x[row, j] - m) / s
""",
    },
    "ex_matmul": {
        # No bounds check: the threads past the edge of c index past the end of a and c.
        "no bounds check": """\
@cuda.jit
def matmul_kernel(a, b, c):
    col, row = cuda.grid(2)
    acc = 0.0
    for k in range(a.shape[1]):
        acc += a[row, k] * b[k, col]
    c[row, col] = acc
""",
        # row on the grid's x and col on its y: the launch has ceil(N / TILE) blocks on x, so
        # for M > N the last rows of c are never reached.
        "row and col swapped": """\
@cuda.jit
def matmul_kernel(a, b, c):
    row, col = cuda.grid(2)
    if row < c.shape[0] and col < c.shape[1]:
        acc = float32(0.0)
        for k in range(a.shape[1]):
            acc += a[row, k] * b[k, col]
        c[row, col] = acc
""",
        # Accumulates straight into c, assuming the output starts at zero.
        "accumulates into an uninitialised c": """\
@cuda.jit
def matmul_kernel(a, b, c):
    col, row = cuda.grid(2)
    if row < c.shape[0] and col < c.shape[1]:
        for k in range(a.shape[1]):
            c[row, col] += a[row, k] * b[k, col]
""",
    },
    "ex_matmul_tiled": {
        # Wrong tile index: b's tile is loaded transposed (k0 + tx instead of k0 + ty).
        "b tile transposed": """\
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
        # k // TILE tiles: assumes K is a multiple of the tile, drops the last partial tile.
        "last partial tile dropped (k // TILE)": """\
@cuda.jit
def matmul_tiled_kernel(a, b, c):
    sa = cuda.shared.array((TILE, TILE), float32)
    sb = cuda.shared.array((TILE, TILE), float32)
    tx, ty = cuda.threadIdx.x, cuda.threadIdx.y
    col, row = cuda.grid(2)
    m, k, n = a.shape[0], a.shape[1], b.shape[1]
    acc = float32(0.0)
    for t in range(k // TILE):
        k0 = t * TILE
        sa[ty, tx] = a[row, k0 + tx] if row < m else 0
        sb[ty, tx] = b[k0 + ty, col] if col < n else 0
        cuda.syncthreads()
        for kk in range(TILE):
            acc += sa[ty, kk] * sb[kk, tx]
        cuda.syncthreads()
    if row < m and col < n:
        c[row, col] = acc
""",
        # The loads guarded by the output's bounds only: in the last tile k0 + tx runs past K.
        "loads not guarded along k": """\
@cuda.jit
def matmul_tiled_kernel(a, b, c):
    sa = cuda.shared.array((TILE, TILE), float32)
    sb = cuda.shared.array((TILE, TILE), float32)
    tx, ty = cuda.threadIdx.x, cuda.threadIdx.y
    col, row = cuda.grid(2)
    m, k, n = a.shape[0], a.shape[1], b.shape[1]
    acc = float32(0.0)
    for t in range((k + TILE - 1) // TILE):
        k0 = t * TILE
        sa[ty, tx] = a[row, k0 + tx] if row < m and col < n else 0
        sb[ty, tx] = b[k0 + ty, col] if row < m and col < n else 0
        cuda.syncthreads()
        for kk in range(TILE):
            acc += sa[ty, kk] * sb[kk, tx]
        cuda.syncthreads()
    if row < m and col < n:
        c[row, col] = acc
""",
    },
    "ex_cross_entropy": {
        # The gradient of the summed loss, not the mean: forgets the 1/N.
        "no 1/N in the gradient": """\
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
        # logsumexp = log(s) without adding the max back: the loss is off by m.
        "logsumexp without + m": """\
@cuda.jit
def cross_entropy_kernel(logits, labels, loss, dlogits):
    row, t = cuda.blockIdx.x, cuda.threadIdx.x
    n_rows, n = logits.shape
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
        loss[row] = math.log(s) - logits[row, label]
    for j in range(t, n, BLOCK):
        p = math.exp(logits[row, j] - m) / s
        dlogits[row, j] = (p - (1.0 if j == label else 0.0)) / n_rows
""",
        # The textbook formula without the max: exp overflows on logits near 1000.
        "no max subtracted": """\
@cuda.jit
def cross_entropy_kernel(logits, labels, loss, dlogits):
    row, t = cuda.blockIdx.x, cuda.threadIdx.x
    n_rows, n = logits.shape
    label = labels[row]
    shared = cuda.shared.array(BLOCK, float32)
    s = 0.0
    for j in range(t, n, BLOCK):
        s += math.exp(logits[row, j])
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
        loss[row] = math.log(s) - logits[row, label]
    for j in range(t, n, BLOCK):
        p = math.exp(logits[row, j]) / s
        dlogits[row, j] = (p - (1.0 if j == label else 0.0)) / n_rows
""",
    },
    "ex_timed": {
        # Times the launch only: no sync inside the timed region.
        "sync outside the timer": """\
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
        # The mean: one slow call (a GC pause, a clock boost) drags it.
        "mean, not median": """\
def timed(fn, sync, repeat=5):
    fn()
    sync()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - start)
    return float(sum(times) / len(times))
""",
        # The warm-up is launched but not waited for: its work lands in the first sample.
        "warm-up not synced": """\
def timed(fn, sync, repeat=5):
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - start)
    return float(np.median(times))
""",
    },
}

HIDDEN_ONLY: dict[tuple[str, str], str] = {}
