"""Plausible wrong answers for lesson 05_rnn (see tests/lessons/test_grading.py)."""

WRONG = {
    # Starts every sequence from zeros: right whenever h0 is zero (as in the visible test).
    "ex_rnn_forward": """\
def rnn_forward(X, h0, W_ih, W_hh, b_ih, b_hh):
    h = np.zeros_like(h0)
    hs = []
    for x in X:
        h = np.tanh(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
        hs.append(h)
    return np.stack(hs)
""",
    # BPTT that forgets the gradient flowing back into h_{t-1} from the next step.
    "ex_rnn_backward": """\
def rnn_backward(dhs, X, h0, hs, W_ih, W_hh):
    dX = np.empty_like(X)
    dW_ih, dW_hh = np.zeros_like(W_ih), np.zeros_like(W_hh)
    db = np.zeros(W_hh.shape[0], dtype=W_hh.dtype)
    dh0 = np.zeros_like(h0)
    for t in range(X.shape[0] - 1, -1, -1):
        h_prev = hs[t - 1] if t > 0 else h0
        da = dhs[t] * (1 - hs[t] ** 2)
        dW_ih += da.T @ X[t]
        dW_hh += da.T @ h_prev
        db += da.sum(axis=0)
        dX[t] = da @ W_ih
        if t == 0:
            dh0 = da @ W_hh
    return dX, dh0, dW_ih, dW_hh, db
""",
    # Clips each tensor to max_norm on its own: same as the global norm for one tensor only.
    "ex_clip_grad_norm": """\
def clip_grad_norm(parameters, max_norm):
    norms = []
    for p in parameters:
        if p.grad is None:
            continue
        g = p.grad.array
        norm = float(np.sqrt((g.astype(np.float64) ** 2).sum()))
        norms.append(norm)
        if norm > max_norm:
            g *= g.dtype.type(max_norm / (norm + 1e-6))
    return float(np.sqrt(sum(n * n for n in norms)))
""",
    # Gate order i, f, o, g instead of PyTorch's i, f, g, o.
    "ex_lstm_cell_forward": """\
def lstm_cell_forward(x, h, c, W_ih, W_hh, b_ih, b_hh):
    H = h.shape[1]
    a = x @ W_ih.T + h @ W_hh.T + b_ih + b_hh
    i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H]), sigmoid(a[:, 2 * H : 3 * H])
    g = np.tanh(a[:, 3 * H :])
    c_new = f * c + i * g
    return o * np.tanh(c_new), c_new
""",
    # Right values, but the input projection stays inside the loop: 2T products, not T + 1.
    "ex_lstm_sequence_forward": """\
def lstm_sequence_forward(X, h0, c0, W_ih, W_hh, b_ih, b_hh):
    H = h0.shape[1]
    h, c, hs = h0, c0, []
    for x in X:
        a = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
        i, f = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H])
        g, o = np.tanh(a[:, 2 * H : 3 * H]), sigmoid(a[:, 3 * H :])
        c = f * c + i * g
        h = o * np.tanh(c)
        hs.append(h)
    return np.stack(hs), (h, c)
""",
    # exp of the summed loss: right for a single position only.
    "ex_perplexity": """\
def perplexity(logits, y):
    z = logits.reshape(-1, logits.shape[-1]).astype(np.float64)
    y = np.asarray(y).reshape(-1)
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(np.exp(-log_p[np.arange(len(y)), y].sum()))
""",
    # Temperature applied after the softmax: renormalising cancels it, so T has no effect.
    "ex_sample_with_temperature": """\
def sample_with_temperature(logits, temperature, rng):
    z = np.asarray(logits, dtype=np.float64)
    p = np.exp(z - z.max())
    p /= p.sum()
    p = p / temperature
    p /= p.sum()
    return int(rng.choice(len(p), p=p))
""",
}

VISIBLE_PASSES = {
    "ex_rnn_forward",
    "ex_clip_grad_norm",
    "ex_lstm_sequence_forward",
    "ex_sample_with_temperature",
}
