"""Plausible wrong answers for lesson 05_rnn (see tests/lessons/test_feedback.py)."""

WRONG = {
    "ex_rnn_forward": {
        # Starts every sequence from zeros: right whenever h0 is zero.
        "h0 ignored, starts from zeros": """\
def rnn_forward(X, h0, W_ih, W_hh, b_ih, b_hh):
    h = np.zeros_like(h0)
    hs = []
    for x in X:
        h = np.tanh(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
        hs.append(h)
    return np.stack(hs)
""",
        # W_hh is square, so forgetting its transpose runs without a shape error.
        "W_hh not transposed": """\
def rnn_forward(X, h0, W_ih, W_hh, b_ih, b_hh):
    h = h0
    hs = []
    for x in X:
        h = np.tanh(x @ W_ih.T + b_ih + h @ W_hh + b_hh)
        hs.append(h)
    return np.stack(hs)
""",
        # The state is never updated: every step reads h0 as its previous state.
        "state not carried across steps": """\
def rnn_forward(X, h0, W_ih, W_hh, b_ih, b_hh):
    hs = [np.tanh(x @ W_ih.T + b_ih + h0 @ W_hh.T + b_hh) for x in X]
    return np.stack(hs)
""",
        # np.zeros without a dtype: right values, float64 output for float32 inputs.
        "float64 output buffer": """\
def rnn_forward(X, h0, W_ih, W_hh, b_ih, b_hh):
    T, B, _ = X.shape
    hs = np.zeros((T, B, W_hh.shape[0]))
    h = h0
    for t in range(T):
        h = np.tanh(X[t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
        hs[t] = h
    return hs
""",
        # One bias only: PyTorch's RNN has two, b_ih and b_hh.
        "b_hh forgotten": """\
def rnn_forward(X, h0, W_ih, W_hh, b_ih, b_hh):
    h, hs = h0, []
    for x in X:
        h = np.tanh(x @ W_ih.T + h @ W_hh.T + b_ih)
        hs.append(h)
    return np.stack(hs)
""",
    },
    "ex_rnn_backward": {
        # BPTT that forgets the gradient flowing back into h_{t-1} from the next step.
        "no gradient from the next step": """\
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
        # hs[t - 1] at t = 0 is hs[-1] in Python: the LAST state instead of h0.
        "h_prev at t = 0 is hs[-1]": """\
def rnn_backward(dhs, X, h0, hs, W_ih, W_hh):
    dX = np.empty_like(X)
    dW_ih, dW_hh = np.zeros_like(W_ih), np.zeros_like(W_hh)
    db = np.zeros(W_hh.shape[0], dtype=W_hh.dtype)
    dh_next = np.zeros_like(h0)
    for t in reversed(range(X.shape[0])):
        da = (dhs[t] + dh_next) * (1 - hs[t] ** 2)
        dW_ih += da.T @ X[t]
        dW_hh += da.T @ hs[t - 1]
        db += da.sum(axis=0)
        dX[t] = da @ W_ih
        dh_next = da @ W_hh
    return dX, dh_next, dW_ih, dW_hh, db
""",
        # The shared weights' gradients overwritten at every step instead of summed.
        "weight gradients overwritten, not accumulated": """\
def rnn_backward(dhs, X, h0, hs, W_ih, W_hh):
    dX = np.empty_like(X)
    dh_next = np.zeros_like(h0)
    for t in range(X.shape[0] - 1, -1, -1):
        h_prev = hs[t - 1] if t > 0 else h0
        da = (dhs[t] + dh_next) * (1 - hs[t] ** 2)
        dW_ih = da.T @ X[t]
        dW_hh = da.T @ h_prev
        db = da.sum(axis=0)
        dX[t] = da @ W_ih
        dh_next = da @ W_hh
    return dX, dh_next, dW_ih, dW_hh, db
""",
        # np.zeros(H) is float64: db silently changes dtype.
        "db in float64": """\
def rnn_backward(dhs, X, h0, hs, W_ih, W_hh):
    dX = np.empty_like(X)
    dW_ih, dW_hh = np.zeros_like(W_ih), np.zeros_like(W_hh)
    db = np.zeros(W_hh.shape[0])
    dh_next = np.zeros_like(h0)
    for t in range(X.shape[0] - 1, -1, -1):
        h_prev = hs[t - 1] if t > 0 else h0
        da = (dhs[t] + dh_next) * (1 - hs[t] ** 2)
        dW_ih += da.T @ X[t]
        dW_hh += da.T @ h_prev
        db += da.sum(axis=0)
        dX[t] = da @ W_ih
        dh_next = da @ W_hh
    return dX, dh_next, dW_ih, dW_hh, db
""",
    },
    "ex_lstm_cell_forward": {
        # Gate order i, f, o, g instead of PyTorch's i, f, g, o.
        "gate order i, f, o, g": """\
def lstm_cell_forward(x, h, c, W_ih, W_hh, b_ih, b_hh):
    H = h.shape[1]
    a = x @ W_ih.T + h @ W_hh.T + b_ih + b_hh
    i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H]), sigmoid(a[:, 2 * H : 3 * H])
    g = np.tanh(a[:, 3 * H :])
    c_new = f * c + i * g
    return o * np.tanh(c_new), c_new
""",
        # The right slices, but tanh on the output gate and sigmoid on the candidate.
        "tanh and sigmoid swapped between g and o": """\
def lstm_cell_forward(x, h, c, W_ih, W_hh, b_ih, b_hh):
    H = h.shape[1]
    a = x @ W_ih.T + h @ W_hh.T + b_ih + b_hh
    i, f = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H])
    g, o = sigmoid(a[:, 2 * H : 3 * H]), np.tanh(a[:, 3 * H :])
    c_new = f * c + i * g
    return o * np.tanh(c_new), c_new
""",
        # h_new from the OLD cell state.
        "h_new from the old c": """\
def lstm_cell_forward(x, h, c, W_ih, W_hh, b_ih, b_hh):
    H = h.shape[1]
    a = x @ W_ih.T + h @ W_hh.T + b_ih + b_hh
    i, f = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H])
    g, o = np.tanh(a[:, 2 * H : 3 * H]), sigmoid(a[:, 3 * H :])
    c_new = f * c + i * g
    return o * np.tanh(c), c_new
""",
        # Right values, but the textbook way: eight small products, one per gate and input.
        "eight products, one per gate": """\
def lstm_cell_forward(x, h, c, W_ih, W_hh, b_ih, b_hh):
    H = h.shape[1]
    b = b_ih + b_hh
    a = [x @ W_ih[k * H : (k + 1) * H].T + h @ W_hh[k * H : (k + 1) * H].T
         + b[k * H : (k + 1) * H] for k in range(4)]
    i, f, g, o = sigmoid(a[0]), sigmoid(a[1]), np.tanh(a[2]), sigmoid(a[3])
    c_new = f * c + i * g
    return o * np.tanh(c_new), c_new
""",
    },
    "ex_lstm_cell_backward": {
        # dc_prev without the forget gate: c = f * c_prev + ..., so dc_prev needs the factor f.
        "dc_prev not multiplied by f": """\
def lstm_cell_backward(dh, dc, x, h, c, gates, c_new, W_ih, W_hh):
    i, f, g, o = np.split(gates, 4, axis=1)
    tanh_c = np.tanh(c_new)
    do = dh * tanh_c
    dc_total = dc + dh * o * (1 - tanh_c**2)
    da = np.concatenate([dc_total * g * i * (1 - i), dc_total * c * f * (1 - f),
                         dc_total * i * (1 - g**2), do * o * (1 - o)], axis=1)
    return da @ W_ih, da @ W_hh, dc_total, da.T @ x, da.T @ h, da.sum(axis=0)
""",
        # o's gradient from tanh of the OLD cell state (c is right there in the arguments).
        "tanh(c_prev) in o's gradient": """\
def lstm_cell_backward(dh, dc, x, h, c, gates, c_new, W_ih, W_hh):
    H = h.shape[1]
    i, f, g, o = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:3 * H], gates[:, 3 * H:]
    do = dh * np.tanh(c)
    dc_total = dc + dh * o * (1 - np.tanh(c_new) ** 2)
    di, df, dg = dc_total * g, dc_total * c, dc_total * i
    da = np.hstack([di * i * (1 - i), df * f * (1 - f), dg * (1 - g * g), do * o * (1 - o)])
    return da @ W_ih, da @ W_hh, dc_total * f, da.T @ x, da.T @ h, da.sum(axis=0)
""",
        # The derivatives written as if `gates` held pre-activations: sigma(z)(1 - sigma(z))
        # and 1 - tanh(z)**2 applied to values that already went through sigmoid / tanh.
        "nonlinearity applied again in the derivatives": """\
def lstm_cell_backward(dh, dc, x, h, c, gates, c_new, W_ih, W_hh):
    zi, zf, zg, zo = np.split(gates, 4, axis=1)
    i, f, g, o = sigmoid(zi), sigmoid(zf), np.tanh(zg), sigmoid(zo)
    tanh_c = np.tanh(c_new)
    do = dh * tanh_c
    dc_total = dc + dh * o * (1 - tanh_c**2)
    da = np.concatenate([dc_total * g * i * (1 - i), dc_total * c * f * (1 - f),
                         dc_total * i * (1 - g**2), do * o * (1 - o)], axis=1)
    return da @ W_ih, da @ W_hh, dc_total * f, da.T @ x, da.T @ h, da.sum(axis=0)
""",
        # Only the gradient from the next step reaches c_new: the path through h_new is lost.
        "dc without the path through h": """\
def lstm_cell_backward(dh, dc, x, h, c, gates, c_new, W_ih, W_hh):
    i, f, g, o = np.split(gates, 4, axis=1)
    do = dh * np.tanh(c_new)
    da = np.concatenate([dc * g * i * (1 - i), dc * c * f * (1 - f),
                         dc * i * (1 - g**2), do * o * (1 - o)], axis=1)
    return da @ W_ih, da @ W_hh, dc * f, da.T @ x, da.T @ h, da.sum(axis=0)
""",
        # Gates unpacked (and da packed) in the order i, f, o, g: the LSTM-paper habit.
        "gate order i, f, o, g": """\
def lstm_cell_backward(dh, dc, x, h, c, gates, c_new, W_ih, W_hh):
    i, f, o, g = np.split(gates, 4, axis=1)
    tanh_c = np.tanh(c_new)
    do = dh * tanh_c
    dc_total = dc + dh * o * (1 - tanh_c**2)
    da = np.concatenate([dc_total * g * i * (1 - i), dc_total * c * f * (1 - f),
                         do * o * (1 - o), dc_total * i * (1 - g**2)], axis=1)
    return da @ W_ih, da @ W_hh, dc_total * f, da.T @ x, da.T @ h, da.sum(axis=0)
""",
    },
    "ex_tbptt_train": {
        # The state is never passed on: every chunk starts from zeros, nothing is carried.
        "state reset every chunk": """\
def tbptt_train(model, opt, X, Y, k):
    losses = []
    for t in range(0, X.shape[1], k):
        logits, _ = model(course.tensor(X[:, t : t + k]))
        V = logits.shape[-1]
        loss = F.cross_entropy(logits.reshape(-1, V), course.tensor(Y[:, t : t + k].reshape(-1)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses
""",
        # Not detached: the second backward fails, and its error suggests retain_graph=True,
        # which lets each chunk's gradient flow on into the earlier chunks.
        "state not detached, retain_graph=True": """\
def tbptt_train(model, opt, X, Y, k):
    state, losses = None, []
    for t in range(0, X.shape[1], k):
        logits, state = model(course.tensor(X[:, t : t + k]), state)
        V = logits.shape[-1]
        loss = F.cross_entropy(logits.reshape(-1, V), course.tensor(Y[:, t : t + k].reshape(-1)))
        opt.zero_grad()
        loss.backward(retain_graph=True)
        opt.step()
        losses.append(loss.item())
    return losses
""",
        # T // k chunks: the last, shorter chunk is dropped.
        "last partial chunk dropped": """\
def tbptt_train(model, opt, X, Y, k):
    state, losses = None, []
    for n in range(X.shape[1] // k):
        xb, yb = X[:, n * k : (n + 1) * k], Y[:, n * k : (n + 1) * k]
        logits, state = model(course.tensor(xb), state)
        V = logits.shape[-1]
        loss = F.cross_entropy(logits.reshape(-1, V), course.tensor(yb.reshape(-1)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        state = (state[0].detach(), state[1].detach())
        losses.append(loss.item())
    return losses
""",
        # No zero_grad: each step uses the sum of this chunk's gradient and all earlier ones.
        "zero_grad forgotten": """\
def tbptt_train(model, opt, X, Y, k):
    state, losses = None, []
    for t in range(0, X.shape[1], k):
        logits, state = model(course.tensor(X[:, t : t + k]), state)
        V = logits.shape[-1]
        loss = F.cross_entropy(logits.reshape(-1, V), course.tensor(Y[:, t : t + k].reshape(-1)))
        loss.backward()
        opt.step()
        state = tuple(s.detach() for s in state)
        losses.append(loss.item())
    return losses
""",
    },
    "ex_sample_with_temperature": {
        # Temperature applied after the softmax: renormalising cancels it, so T has no effect.
        "temperature after the softmax": """\
def sample_with_temperature(logits, temperature, rng):
    z = np.asarray(logits, dtype=np.float64)
    p = np.exp(z - z.max())
    p /= p.sum()
    p = p / temperature
    p /= p.sum()
    return int(rng.choice(len(p), p=p))
""",
        # Multiplies by the temperature instead of dividing: T < 1 flattens instead of sharpening.
        "logits multiplied by T": """\
def sample_with_temperature(logits, temperature, rng):
    z = np.asarray(logits, dtype=np.float64) * temperature
    p = np.exp(z - z.max())
    p /= p.sum()
    return int(rng.choice(len(p), p=p))
""",
        # Draws with NumPy's global generator, not the rng given: not reproducible.
        "global np.random instead of rng": """\
def sample_with_temperature(logits, temperature, rng):
    z = np.asarray(logits, dtype=np.float64) / temperature
    p = np.exp(z - z.max())
    p /= p.sum()
    return int(np.random.choice(len(p), p=p))
""",
        # No max subtracted: exp(1000) is inf, the probabilities nan.
        "softmax without the max": """\
def sample_with_temperature(logits, temperature, rng):
    z = np.asarray(logits, dtype=np.float64) / temperature
    p = np.exp(z)
    p /= p.sum()
    return int(rng.choice(len(p), p=p))
""",
        # Always the most likely index (greedy), whatever the temperature: no drawing at all.
        "argmax instead of a draw": """\
def sample_with_temperature(logits, temperature, rng):
    z = np.asarray(logits, dtype=np.float64) / temperature
    return int(np.argmax(z))
""",
    },
}

HIDDEN_ONLY = {}
