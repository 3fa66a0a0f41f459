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
        out[r, c] = max(x[r, c] + bias[c], 0.0)
""",
        # Starts at the thread's index in its BLOCK, not in the grid: every block does the same
        # elements, and those of threads 32..63 of each stride are never written.
        "starts at threadIdx.x, not cuda.grid(1)": """\
@cuda.jit
def bias_relu_kernel(x, bias, out):
    n_rows, n_cols = x.shape
    for i in range(cuda.threadIdx.x, n_rows * n_cols, cuda.gridsize(1)):
        r, c = i // n_cols, i % n_cols
        out[r, c] = max(x[r, c] + bias[c], 0.0)
""",
        # The bias broadcast over the wrong axis: one bias per row instead of per column.
        "bias indexed by row": """\
@cuda.jit
def bias_relu_kernel(x, bias, out):
    n_rows, n_cols = x.shape
    for i in range(cuda.grid(1), n_rows * n_cols, cuda.gridsize(1)):
        r, c = i // n_cols, i % n_cols
        out[r, c] = max(x[r, c] + bias[r], 0.0)
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
    "ex_block_sum": {
        # `=` for `+=` in the tree: each step keeps only the upper half's partial sum.
        "= instead of += in the tree": """\
@cuda.jit(device=True)
def block_sum(shared, value):
    t = cuda.threadIdx.x
    shared[t] = value
    cuda.syncthreads()
    step = BLOCK // 2
    while step > 0:
        if t < step:
            shared[t] = shared[t + step]
        cuda.syncthreads()
        step //= 2
    total = shared[0]
    cuda.syncthreads()
    return total
""",
        # Stops one step early: shared[0] misses shared[1]'s half of the block.
        "tree stops before step 1": """\
@cuda.jit(device=True)
def block_sum(shared, value):
    t = cuda.threadIdx.x
    shared[t] = value
    cuda.syncthreads()
    step = BLOCK // 2
    while step > 1:
        if t < step:
            shared[t] += shared[t + step]
        cuda.syncthreads()
        step //= 2
    total = shared[0]
    cuda.syncthreads()
    return total
""",
        # Every thread returns its own slot: only thread 0 holds the block's total.
        "returns shared[t], not shared[0]": """\
@cuda.jit(device=True)
def block_sum(shared, value):
    t = cuda.threadIdx.x
    shared[t] = value
    cuda.syncthreads()
    step = BLOCK // 2
    while step > 0:
        if t < step:
            shared[t] += shared[t + step]
        cuda.syncthreads()
        step //= 2
    total = shared[t]
    cuda.syncthreads()
    return total
""",
    },
    "ex_softmax": {
        # No max subtracted: exp(1000) overflows.
        "no max subtracted": """\
@cuda.jit
def softmax_kernel(x, out):
    row, t = cuda.blockIdx.x, cuda.threadIdx.x
    shared = cuda.shared.array(BLOCK, float32)
    s = 0.0
    for j in range(t, x.shape[1], BLOCK):
        s += math.exp(x[row, j])
    s = block_sum(shared, s)
    for j in range(t, x.shape[1], BLOCK):
        out[row, j] = math.exp(x[row, j]) / s
""",
        # The max starts at 0.0, not -inf: a row of very negative logits gets "max" 0, every
        # exp underflows to 0 and the sum is 0.
        "max started at 0": """\
@cuda.jit
def softmax_kernel(x, out):
    row, t = cuda.blockIdx.x, cuda.threadIdx.x
    shared = cuda.shared.array(BLOCK, float32)
    m = 0.0
    for j in range(t, x.shape[1], BLOCK):
        m = max(m, x[row, j])
    m = block_max(shared, m)
    s = 0.0
    for j in range(t, x.shape[1], BLOCK):
        s += math.exp(x[row, j] - m)
    s = block_sum(shared, s)
    for j in range(t, x.shape[1], BLOCK):
        out[row, j] = math.exp(x[row, j] - m) / s
""",
        # The max is reduced over the block but the sum is not: each thread divides by its own
        # partial sum.
        "sum not reduced over the block": """\
@cuda.jit
def softmax_kernel(x, out):
    row, t = cuda.blockIdx.x, cuda.threadIdx.x
    shared = cuda.shared.array(BLOCK, float32)
    m = -math.inf
    for j in range(t, x.shape[1], BLOCK):
        m = max(m, x[row, j])
    m = block_max(shared, m)
    s = 0.0
    for j in range(t, x.shape[1], BLOCK):
        s += math.exp(x[row, j] - m)
    for j in range(t, x.shape[1], BLOCK):
        out[row, j] = math.exp(x[row, j] - m) / s
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
    n_rows, n = logits.shape
    label = labels[row]
    shared = cuda.shared.array(BLOCK, float32)
    m = -math.inf
    for j in range(t, n, BLOCK):
        m = max(m, logits[row, j])
    m = block_max(shared, m)
    s = 0.0
    for j in range(t, n, BLOCK):
        s += math.exp(logits[row, j] - m)
    s = block_sum(shared, s)
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
    m = block_max(shared, m)
    s = 0.0
    for j in range(t, n, BLOCK):
        s += math.exp(logits[row, j] - m)
    s = block_sum(shared, s)
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
    s = block_sum(shared, s)
    if t == 0:
        loss[row] = math.log(s) - logits[row, label]
    for j in range(t, n, BLOCK):
        p = math.exp(logits[row, j]) / s
        dlogits[row, j] = (p - (1.0 if j == label else 0.0)) / n_rows
""",
    },
}

HIDDEN_ONLY: dict[tuple[str, str], str] = {}
