"""Plausible wrong answers for lesson 06_gpu (see tests/lessons/test_grading.py)."""

WRONG = {
    # Correct values, but NumPy's functions: fine on the CPU, refuses CuPy arrays on a GPU.
    "ex_softplus": """\
def softplus(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))
""",
    # The textbook formula: overflows for large x (and is not device-agnostic either).
    "ex_logsumexp": """\
def logsumexp(x, axis=-1):
    xp = get_array_module(x)
    return xp.log(xp.exp(x).sum(axis=axis))
""",
    # Right numbers on the CPU, but np.maximum: not device-agnostic.
    "ex_bias_relu": """\
def bias_relu(x, bias):
    out = x + bias
    np.maximum(out, 0, out=out)
    return out
""",
    # Gate order i, f, o, g (a common mix-up): wrong c and h.
    "ex_lstm_pointwise": """\
def lstm_pointwise(gates, c_prev):
    xp = get_array_module(gates)
    hid = c_prev.shape[1]
    i, f, o, g = (gates[:, k * hid : (k + 1) * hid] for k in range(4))
    i, f, o = (0.5 * xp.tanh(0.5 * z) + 0.5 for z in (i, f, o))
    c = f * c_prev + i * xp.tanh(g)
    return o * xp.tanh(c), c
""",
    # A line through the origin: the bandwidth is roughly right, the latency is lost.
    "ex_fit_transfer_model": """\
def fit_transfer_model(nbytes, seconds):
    n = np.asarray(nbytes, dtype=np.float64)
    t = np.asarray(seconds, dtype=np.float64)
    slope = float((n * t).sum() / (n * n).sum())
    return 0.0, 1.0 / slope
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

VISIBLE_PASSES = {"ex_softplus", "ex_bias_relu", "ex_fit_transfer_model", "ex_timed"}
