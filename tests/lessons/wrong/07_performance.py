"""Plausible wrong answers for lesson 07_performance (see tests/lessons/test_feedback.py).

WRONG maps an answer cell's grade_id to its wrong variants, {description: full answer cell};
each must run, fail the visible test (what Validate runs) and score 0. HIDDEN_ONLY lists the
few that only the hidden tests catch, with the reason: none here.
"""

WRONG = {
    "ex_profile_top": {
        # Sorts by cumtime: right when the slow function is called directly, wrong when a
        # wrapper calls it (the wrapper's cumtime includes the callee's).
        "sorted by cumtime": """\
def profile_top(fn, n):
    profiler = cProfile.Profile()
    profiler.runcall(fn)
    stats = pstats.Stats(profiler)
    rows = [(key[2], record[3]) for key, record in stats.stats.items()]
    rows.sort(key=lambda row: row[1], reverse=True)
    return rows[:n]
""",
        # sort() without reverse=True: the n SMALLEST tottimes.
        "ascending order": """\
def profile_top(fn, n):
    profiler = cProfile.Profile()
    profiler.runcall(fn)
    stats = pstats.Stats(profiler)
    rows = [(key[2], record[2]) for key, record in stats.stats.items()]
    rows.sort(key=lambda row: row[1])
    return rows[:n]
""",
        # Names as pstats prints them, "file:line(function)", not the bare function name.
        "names as file:line(function)": """\
def profile_top(fn, n):
    profiler = cProfile.Profile()
    profiler.runcall(fn)
    stats = pstats.Stats(profiler)
    rows = [(f"{key[0]}:{key[1]}({key[2]})", record[2]) for key, record in stats.stats.items()]
    rows.sort(key=lambda row: row[1], reverse=True)
    return rows[:n]
""",
        # A warm-up call before profiling: fn runs twice.
        "calls fn twice (a warm-up)": """\
def profile_top(fn, n):
    fn()
    profiler = cProfile.Profile()
    profiler.runcall(fn)
    stats = pstats.Stats(profiler)
    rows = [(key[2], record[2]) for key, record in stats.stats.items()]
    rows.sort(key=lambda row: row[1], reverse=True)
    return rows[:n]
""",
    },
    "ex_bytes_moved": {
        # Right formulas, but an empty chain still "reads x and writes y" when fused.
        "empty fused chain moves bytes": """\
def bytes_moved(num_elements, itemsize, extra_inputs, fused):
    if fused:
        arrays = 1 + sum(extra_inputs) + 1
    else:
        arrays = sum(2 + extra for extra in extra_inputs)
    return int(arrays * num_elements * itemsize)
""",
        # Unfused, counts the reads only: forgets that every op writes its result.
        "unfused without the writes": """\
def bytes_moved(num_elements, itemsize, extra_inputs, fused):
    if len(extra_inputs) == 0:
        return 0
    if fused:
        arrays = 1 + sum(extra_inputs) + 1
    else:
        arrays = sum(1 + extra for extra in extra_inputs)
    return int(arrays * num_elements * itemsize)
""",
        # Fused, but still writes every op's result (only the reads are saved).
        "fused still writes every intermediate": """\
def bytes_moved(num_elements, itemsize, extra_inputs, fused):
    if len(extra_inputs) == 0:
        return 0
    if fused:
        arrays = 1 + sum(extra_inputs) + len(extra_inputs)
    else:
        arrays = sum(2 + extra for extra in extra_inputs)
    return int(arrays * num_elements * itemsize)
""",
    },
    "ex_loss_scale_step": {
        # Checks only for inf (a nan slips through), and grows one step too late (> for >=).
        "isinf only, grows late": """\
def loss_scale_step(
    grads, scale, good_steps, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000
):
    if any(np.isinf(g).any() for g in grads):
        return False, float(scale * backoff_factor), 0
    for g in grads:
        g /= scale
    good_steps += 1
    if good_steps > growth_interval:
        return True, float(scale * growth_factor), 0
    return True, float(scale), good_steps
""",
        # `g = g / scale` rebinds the loop variable: the caller's arrays are not unscaled.
        "unscaled copies, not in place": """\
def loss_scale_step(
    grads, scale, good_steps, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000
):
    if not all(np.isfinite(g).all() for g in grads):
        return False, float(scale * backoff_factor), 0
    for g in grads:
        g = g / scale
    good_steps += 1
    if good_steps >= growth_interval:
        return True, float(scale * growth_factor), 0
    return True, float(scale), good_steps
""",
        # Grows the scale but keeps counting: the count is not reset.
        "count not reset on growth": """\
def loss_scale_step(
    grads, scale, good_steps, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000
):
    if not all(np.isfinite(g).all() for g in grads):
        return False, float(scale * backoff_factor), 0
    for g in grads:
        g /= scale
    good_steps += 1
    if good_steps >= growth_interval:
        return True, float(scale * growth_factor), good_steps
    return True, float(scale), good_steps
""",
        # One loop that checks and unscales: the gradients before the bad one are divided anyway.
        "unscales before the overflow is found": """\
def loss_scale_step(
    grads, scale, good_steps, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000
):
    for g in grads:
        if not np.isfinite(g).all():
            return False, float(scale * backoff_factor), 0
        g /= scale
    good_steps += 1
    if good_steps >= growth_interval:
        return True, float(scale * growth_factor), 0
    return True, float(scale), good_steps
""",
    },
    "ex_sgd_momentum_": {
        # Right values, but every line makes new arrays (copied back with [...] = ...).
        "allocates temporaries": """\
def sgd_momentum_(param, grad, buf, scratch, lr, momentum):
    buf[...] = momentum * buf + grad
    param[...] = param - lr * buf
""",
        # `buf = ...` rebinds the local name: the caller's velocity never changes.
        "buf rebound, not updated in place": """\
def sgd_momentum_(param, grad, buf, scratch, lr, momentum):
    buf = momentum * buf + grad
    np.multiply(buf, lr, out=scratch)
    param -= scratch
""",
        # The other momentum convention, v = momentum * v + lr * g; p -= v: the same params
        # for a constant lr, but a velocity that is not the one torch keeps.
        "lr folded into the velocity": """\
def sgd_momentum_(param, grad, buf, scratch, lr, momentum):
    np.multiply(grad, lr, out=scratch)
    buf *= momentum
    buf += scratch
    param -= buf
""",
    },
    "ex_attainable_gflops": {
        # Python's min: fine for one number, fails for an array of intensities.
        "Python's min": """\
def attainable_gflops(intensity, peak, bandwidth):
    return float(min(peak, intensity * bandwidth))
""",
        # The parenthesis in the wrong place: min(peak, I) * bandwidth.
        "min(peak, I) * bandwidth": """\
def attainable_gflops(intensity, peak, bandwidth):
    result = np.minimum(peak, intensity) * bandwidth
    return float(result) if np.ndim(result) == 0 else result
""",
        # Compares with the ridge point in an if: right for one number, not for an array.
        "if on the ridge point": """\
def attainable_gflops(intensity, peak, bandwidth):
    if intensity >= peak / bandwidth:
        return float(peak)
    return float(intensity * bandwidth)
""",
    },
}

# Exercise 9's hand-written step (the solution), from which the variants below differ in one place.
_FAST_STEP = """\
def make_fast_cnn_step(model, X, y, lr):
        # By hand in NumPy, channels last (N, H, W, C): each conv is one GEMM on contiguous
    # windows, ReLU and max-pooling are one pass, no graph is recorded, and the weights are
    # updated in place. conv1's input gradient (of the data) is never computed.
    conv1, conv2, fc = model[0], model[3], model[7]
    params = [conv1.weight, conv1.bias, conv2.weight, conv2.bias, fc.weight, fc.bias]
    W1, b1, W2, b2, Wf, bf = (p.array for p in params)  # the raw arrays: updates change the model
    n = X.shape[0]
    rows = np.arange(n)
    x0 = np.ascontiguousarray(X.transpose(0, 2, 3, 1))

    def im2col(x):  # (n, h, w, c) -> (n * h * w, c * 9): 3x3 windows, padding 1
        nb, h, w, c = x.shape
        padded = np.zeros((nb, h + 2, w + 2, c), x.dtype)
        padded[:, 1:-1, 1:-1] = x
        windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(1, 2))
        return windows.reshape(nb * h * w, c * 9)  # (c, kh, kw) order, as the weights

    def col2im(cols, shape):  # the adjoint of im2col: overlapping windows add up
        nb, h, w, c = shape
        cols = cols.reshape(nb, h, w, c, 3, 3)
        padded = np.zeros((nb, h + 2, w + 2, c), cols.dtype)
        for i in range(3):
            for j in range(3):
                padded[:, i : i + h, j : j + w] += cols[..., i, j]
        return padded[:, 1:-1, 1:-1]

    def relu_pool(z):  # maxpool2(relu(z)) = relu(maxpool2(z)), and where the max was
        nb, h, w, c = z.shape
        blocks = z.reshape(nb, h // 2, 2, w // 2, 2, c)
        top = blocks.max(axis=(2, 4), keepdims=True)
        mask = (blocks == top) & (top > 0)
        return np.maximum(top[:, :, 0, :, 0], 0), mask

    def step():
        c1 = im2col(x0)
        z1 = (c1 @ W1.reshape(16, -1).T + b1).reshape(n, 28, 28, 16)
        p1, mask1 = relu_pool(z1)
        c2 = im2col(p1)
        z2 = (c2 @ W2.reshape(32, -1).T + b2).reshape(n, 14, 14, 32)
        p2, mask2 = relu_pool(z2)
        flat = p2.transpose(0, 3, 1, 2).reshape(n, -1)  # Flatten's (C, H, W) order
        logits = flat @ Wf.T + bf
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        loss = float(np.mean(np.log(total[:, 0]) - shifted[rows, y]))
        dlogits = exp / total
        dlogits[rows, y] -= 1
        dlogits /= n
        dWf, dbf = dlogits.T @ flat, dlogits.sum(axis=0)
        dp2 = (dlogits @ Wf).reshape(n, 32, 7, 7).transpose(0, 2, 3, 1)
        dz2 = (mask2 * dp2[:, :, None, :, None, :]).reshape(n * 196, 32)
        dW2, db2 = (dz2.T @ c2).reshape(W2.shape), dz2.sum(axis=0)
        dp1 = col2im(dz2 @ W2.reshape(32, -1), (n, 14, 14, 16))
        dz1 = (mask1 * dp1[:, :, None, :, None, :]).reshape(n * 784, 16)
        dW1, db1 = (dz1.T @ c1).reshape(W1.shape), dz1.sum(axis=0)
        for p, g in zip((W1, b1, W2, b2, Wf, bf), (dW1, db1, dW2, db2, dWf, dbf)):
            p -= lr * g
        return loss

    return step
"""


def _variant(old, new):
    assert _FAST_STEP.count(old) == 1, old
    return _FAST_STEP.replace(old, new)


WRONG["ex_fast_cnn_step"] = {
    # The autograd step without opt.zero_grad(): gradients accumulate (course, like torch, adds
    # into .grad), so step 1 is right and step 2 uses the sum of both steps' gradients.
    "forgot to zero the gradients": """\
def make_fast_cnn_step(model, X, y, lr):
    opt = optim.SGD(model.parameters(), lr=lr)
    X_, y_ = course.tensor(X), course.tensor(y)

    def step():
        loss = F.cross_entropy(model(X_), y_)
        loss.backward()
        opt.step()
        return float(loss.item())

    return step
""",
    # The summed loss (and its gradient, not divided by the batch size): a loss N times too large
    # and steps N times too long.
    "loss summed over the batch, not averaged": _variant(
        "loss = float(np.mean(np.log(total[:, 0]) - shifted[rows, y]))\n",
        "loss = float(np.sum(np.log(total[:, 0]) - shifted[rows, y]))\n",
    ).replace("        dlogits /= n\n", ""),
    # Updates the weights only: the biases keep their initial values.
    "biases not updated": _variant(
        "zip((W1, b1, W2, b2, Wf, bf), (dW1, db1, dW2, db2, dWf, dbf))",
        "zip((W1, W2, Wf), (dW1, dW2, dWf))",
    ),
    # Flattens the channels-last activations as they lie, (row, column, channel), while the
    # linear layer's weights expect torch's Flatten order (channel, row, column).
    "flattened in channels-last order": _variant(
        "flat = p2.transpose(0, 3, 1, 2).reshape(n, -1)",
        "flat = p2.reshape(n, -1)",
    ).replace(
        "dp2 = (dlogits @ Wf).reshape(n, 32, 7, 7).transpose(0, 2, 3, 1)",
        "dp2 = (dlogits @ Wf).reshape(n, 7, 7, 32)",
    ),
}

HIDDEN_ONLY: dict[tuple[str, str], str] = {}
