"""Plausible wrong answers for lesson 04_cnn: each must score 0 on its exercise.

WRONG maps an answer cell's grade_id to its wrong variants, {description: full answer cell
source}; every one must fail the visible tests (HIDDEN_ONLY lists the exceptions: none here).
"""

WRONG = {
    "ex_conv2d_loops": {
        # Pads only the bottom and right (2p there, none at the top and left): the output has
        # the right shape, and without padding the right values.
        "pads only the bottom and right": """\
def conv2d_loops(X, weight, bias=None, stride=1, padding=0):
    (sy, sx), (py, px) = pair(stride), pair(padding)
    N, C, H, W = X.shape
    C_out, _, kh, kw = weight.shape
    H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
    X_pad = np.pad(X, ((0, 0), (0, 0), (0, 2 * py), (0, 2 * px)))
    out = np.zeros((N, C_out, H_out, W_out), dtype=X.dtype)
    for n in range(N):
        for o in range(C_out):
            for y in range(H_out):
                for x in range(W_out):
                    patch = X_pad[n, :, y * sy : y * sy + kh, x * sx : x * sx + kw]
                    out[n, o, y, x] = (patch * weight[o]).sum()
    if bias is not None:
        out += bias[:, None, None]
    return out
""",
        # The output size uses the stride, but the window starts at (y, x), not (y*sy, x*sx):
        # right for stride 1.
        "window at (y, x), not (y*sy, x*sx)": """\
def conv2d_loops(X, weight, bias=None, stride=1, padding=0):
    (sy, sx), (py, px) = pair(stride), pair(padding)
    N, C, H, W = X.shape
    C_out, _, kh, kw = weight.shape
    H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
    X_pad = np.pad(X, ((0, 0), (0, 0), (py, py), (px, px)))
    out = np.zeros((N, C_out, H_out, W_out), dtype=X.dtype)
    for n in range(N):
        for o in range(C_out):
            for y in range(H_out):
                for x in range(W_out):
                    patch = X_pad[n, :, y : y + kh, x : x + kw]
                    out[n, o, y, x] = (patch * weight[o]).sum()
    if bias is not None:
        out += bias[:, None, None]
    return out
""",
        # A loop over input channels that assigns instead of adding: only the last channel
        # counts, right for C = 1.
        "channels overwritten (=), not summed": """\
def conv2d_loops(X, weight, bias=None, stride=1, padding=0):
    (sy, sx), (py, px) = pair(stride), pair(padding)
    N, C, H, W = X.shape
    C_out, _, kh, kw = weight.shape
    H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
    X_pad = np.pad(X, ((0, 0), (0, 0), (py, py), (px, px)))
    out = np.zeros((N, C_out, H_out, W_out), dtype=X.dtype)
    for n in range(N):
        for o in range(C_out):
            for y in range(H_out):
                for x in range(W_out):
                    for c in range(C):
                        patch = X_pad[n, c, y * sy : y * sy + kh, x * sx : x * sx + kw]
                        out[n, o, y, x] = (patch * weight[o, c]).sum()
    if bias is not None:
        out += bias[:, None, None]
    return out
""",
        # The textbook convolution flips the kernel: right only for symmetric kernels.
        "flips the kernel": """\
def conv2d_loops(X, weight, bias=None, stride=1, padding=0):
    (sy, sx), (py, px) = pair(stride), pair(padding)
    N, C, H, W = X.shape
    C_out, _, kh, kw = weight.shape
    H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
    X_pad = np.pad(X, ((0, 0), (0, 0), (py, py), (px, px)))
    out = np.zeros((N, C_out, H_out, W_out), dtype=X.dtype)
    for n in range(N):
        for o in range(C_out):
            for y in range(H_out):
                for x in range(W_out):
                    patch = X_pad[n, :, y * sy : y * sy + kh, x * sx : x * sx + kw]
                    out[n, o, y, x] = (patch * weight[o, :, ::-1, ::-1]).sum()
    if bias is not None:
        out += bias[:, None, None]
    return out
""",
    },
    "ex_im2col": {
        # A reshape where a transpose is needed: (N, C, kh, kw, H_out, W_out) flattened as it
        # is, so the rows are not patches.
        "reshape instead of transpose": """\
def im2col(X, kh, kw, stride=1, padding=0):
    (sy, sx), (py, px) = pair(stride), pair(padding)
    N, C, H, W = X.shape
    H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
    X_pad = np.pad(X, ((0, 0), (0, 0), (py, py), (px, px)))
    cols = np.empty((N, C, kh, kw, H_out, W_out), dtype=X.dtype)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = X_pad[:, :, i : i + sy * H_out : sy, j : j + sx * W_out : sx]
    return cols.reshape(N * H_out * W_out, C * kh * kw)
""",
        # Columns (i, j, c), channels last: the patches are right, their order is not the
        # weight's (c, i, j); identical for C = 1.
        "columns (i, j, c), not (c, i, j)": """\
def im2col(X, kh, kw, stride=1, padding=0):
    (sy, sx), (py, px) = pair(stride), pair(padding)
    N, C, H, W = X.shape
    H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
    X_pad = np.pad(X, ((0, 0), (0, 0), (py, py), (px, px)))
    cols = np.empty((N, C, kh, kw, H_out, W_out), dtype=X.dtype)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = X_pad[:, :, i : i + sy * H_out : sy, j : j + sx * W_out : sx]
    return cols.transpose(0, 4, 5, 2, 3, 1).reshape(N * H_out * W_out, C * kh * kw)
""",
        # Columns (c, j, i): the kernel offsets transposed, so a forward pass built on it is
        # right only for symmetric kernels.
        "kernel offsets (j, i), not (i, j)": """\
def im2col(X, kh, kw, stride=1, padding=0):
    (sy, sx), (py, px) = pair(stride), pair(padding)
    N, C, H, W = X.shape
    H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
    X_pad = np.pad(X, ((0, 0), (0, 0), (py, py), (px, px)))
    cols = np.empty((N, C, kh, kw, H_out, W_out), dtype=X.dtype)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = X_pad[:, :, i : i + sy * H_out : sy, j : j + sx * W_out : sx]
    return cols.transpose(0, 4, 5, 1, 3, 2).reshape(N * H_out * W_out, C * kh * kw)
""",
        # The output size uses the stride, the slices do not (step 1): right for stride 1.
        "slices without the stride": """\
def im2col(X, kh, kw, stride=1, padding=0):
    (sy, sx), (py, px) = pair(stride), pair(padding)
    N, C, H, W = X.shape
    H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
    X_pad = np.pad(X, ((0, 0), (0, 0), (py, py), (px, px)))
    cols = np.empty((N, C, kh, kw, H_out, W_out), dtype=X.dtype)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = X_pad[:, :, i : i + H_out, j : j + W_out]
    return cols.transpose(0, 4, 5, 1, 2, 3).reshape(N * H_out * W_out, C * kh * kw)
""",
    },
    "ex_conv2d_im2col": {
        # Reshapes the (N * H_out * W_out, C_out) product straight to NCHW: right only with
        # one output channel.
        "product reshaped straight to NCHW": """\
def conv2d_im2col(X, weight, bias=None, stride=1, padding=0):
    (sy, sx), (py, px) = pair(stride), pair(padding)
    N, C, H, W = X.shape
    C_out, _, kh, kw = weight.shape
    H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
    out = im2col(X, kh, kw, stride, padding) @ weight.reshape(C_out, -1).T
    if bias is not None:
        out += bias
    return out.reshape(N, C_out, H_out, W_out)
""",
        # weight.reshape(-1, C_out) has the right shape for the product but mixes filters:
        # right only for C_out = 1.
        "weight.reshape(-1, C_out) for the transpose": """\
def conv2d_im2col(X, weight, bias=None, stride=1, padding=0):
    (sy, sx), (py, px) = pair(stride), pair(padding)
    N, C, H, W = X.shape
    C_out, _, kh, kw = weight.shape
    H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
    out = im2col(X, kh, kw, stride, padding) @ weight.reshape(-1, C_out)
    if bias is not None:
        out += bias
    return out.reshape(N, H_out, W_out, C_out).transpose(0, 3, 1, 2)
""",
        # transpose(0, 3, 2, 1) also puts the channels second, but swaps H and W.
        "transpose swaps H and W": """\
def conv2d_im2col(X, weight, bias=None, stride=1, padding=0):
    (sy, sx), (py, px) = pair(stride), pair(padding)
    N, C, H, W = X.shape
    C_out, _, kh, kw = weight.shape
    H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
    out = im2col(X, kh, kw, stride, padding) @ weight.reshape(C_out, -1).T
    if bias is not None:
        out += bias
    return out.reshape(N, W_out, H_out, C_out).transpose(0, 3, 2, 1)
""",
    },
    "ex_conv2d_windows": {
        # Ignores the stride: every window, not every s-th one.
        "ignores the stride": """\
def conv2d_windows(X, weight, bias=None, stride=1, padding=0):
    py, px = pair(padding)
    kh, kw = weight.shape[2:]
    X_pad = np.pad(X, ((0, 0), (0, 0), (py, py), (px, px)))
    windows = sliding_window_view(X_pad, (kh, kw), axis=(2, 3))
    out = np.tensordot(windows, weight, axes=([1, 4, 5], [1, 2, 3]))
    if bias is not None:
        out += bias
    return out.transpose(0, 3, 1, 2)
""",
        # Contracts the window's (i, j) with the weight's (j, i): right only for symmetric
        # kernels.
        "kernel axes swapped in the contraction": """\
def conv2d_windows(X, weight, bias=None, stride=1, padding=0):
    (sy, sx), (py, px) = pair(stride), pair(padding)
    kh, kw = weight.shape[2:]
    X_pad = np.pad(X, ((0, 0), (0, 0), (py, py), (px, px)))
    windows = sliding_window_view(X_pad, (kh, kw), axis=(2, 3))[:, :, ::sy, ::sx]
    out = np.einsum("nchwij,ocji->nhwo", windows, weight)
    if bias is not None:
        out += bias
    return out.transpose(0, 3, 1, 2)
""",
        # Subsamples the input for the stride, then takes every window of what is left.
        "strides the input, not the windows": """\
def conv2d_windows(X, weight, bias=None, stride=1, padding=0):
    (sy, sx), (py, px) = pair(stride), pair(padding)
    kh, kw = weight.shape[2:]
    X_pad = np.pad(X, ((0, 0), (0, 0), (py, py), (px, px)))[:, :, ::sy, ::sx]
    windows = sliding_window_view(X_pad, (kh, kw), axis=(2, 3))
    out = np.tensordot(windows, weight, axes=([1, 4, 5], [1, 2, 3]))
    if bias is not None:
        out += bias
    return out.transpose(0, 3, 1, 2)
""",
        # Forgets to pad: right for padding 0.
        "no padding": """\
def conv2d_windows(X, weight, bias=None, stride=1, padding=0):
    sy, sx = pair(stride)
    kh, kw = weight.shape[2:]
    windows = sliding_window_view(X, (kh, kw), axis=(2, 3))[:, :, ::sy, ::sx]
    out = np.tensordot(windows, weight, axes=([1, 4, 5], [1, 2, 3]))
    if bias is not None:
        out += bias
    return out.transpose(0, 3, 1, 2)
""",
    },
    "ex_col2im": {
        # Assigns instead of adding: right when windows do not overlap.
        "= instead of +=": """\
def col2im(dcols, X_shape, kh, kw, stride=1, padding=0):
    (sy, sx), (py, px) = pair(stride), pair(padding)
    N, C, H, W = X_shape
    H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
    d = dcols.reshape(N, H_out, W_out, C, kh, kw).transpose(0, 3, 4, 5, 1, 2)
    dX_pad = np.zeros((N, C, H + 2 * py, W + 2 * px), dtype=dcols.dtype)
    for i in range(kh):
        for j in range(kw):
            dX_pad[:, :, i : i + sy * H_out : sy, j : j + sx * W_out : sx] = d[:, :, i, j]
    return dX_pad[:, :, py : py + H, px : px + W]
""",
        # im2col's reshape bug mirrored: reads dcols as (N, C, kh, kw, H_out, W_out).
        "reshape instead of transpose": """\
def col2im(dcols, X_shape, kh, kw, stride=1, padding=0):
    (sy, sx), (py, px) = pair(stride), pair(padding)
    N, C, H, W = X_shape
    H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
    d = dcols.reshape(N, C, kh, kw, H_out, W_out)
    dX_pad = np.zeros((N, C, H + 2 * py, W + 2 * px), dtype=dcols.dtype)
    for i in range(kh):
        for j in range(kw):
            dX_pad[:, :, i : i + sy * H_out : sy, j : j + sx * W_out : sx] += d[:, :, i, j]
    return dX_pad[:, :, py : py + H, px : px + W]
""",
        # Reads the columns as (i, j, c): right for C = 1.
        "columns read as (i, j, c)": """\
def col2im(dcols, X_shape, kh, kw, stride=1, padding=0):
    (sy, sx), (py, px) = pair(stride), pair(padding)
    N, C, H, W = X_shape
    H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
    d = dcols.reshape(N, H_out, W_out, kh, kw, C).transpose(0, 5, 3, 4, 1, 2)
    dX_pad = np.zeros((N, C, H + 2 * py, W + 2 * px), dtype=dcols.dtype)
    for i in range(kh):
        for j in range(kw):
            dX_pad[:, :, i : i + sy * H_out : sy, j : j + sx * W_out : sx] += d[:, :, i, j]
    return dX_pad[:, :, py : py + H, px : px + W]
""",
        # Returns the padded gradient: right for padding 0.
        "padding not cut off": """\
def col2im(dcols, X_shape, kh, kw, stride=1, padding=0):
    (sy, sx), (py, px) = pair(stride), pair(padding)
    N, C, H, W = X_shape
    H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
    d = dcols.reshape(N, H_out, W_out, C, kh, kw).transpose(0, 3, 4, 5, 1, 2)
    dX_pad = np.zeros((N, C, H + 2 * py, W + 2 * px), dtype=dcols.dtype)
    for i in range(kh):
        for j in range(kw):
            dX_pad[:, :, i : i + sy * H_out : sy, j : j + sx * W_out : sx] += d[:, :, i, j]
    return dX_pad
""",
    },
    "ex_conv2d_backward": {
        # Reshapes grad (N, C_out, H_out, W_out) to (-1, C_out) without moving the channel
        # axis last: right with one output channel.
        "grad reshaped without moving the channels last": """\
class Conv2dFunction(course.Function):
    def forward(self, X, weight, bias, stride=1, padding=0):
        (sy, sx), (py, px) = pair(stride), pair(padding)
        N, C, H, W = X.shape
        C_out, _, kh, kw = weight.shape
        H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
        self.cols = im2col(X, kh, kw, stride, padding)
        self.W_mat = weight.reshape(C_out, -1)
        self.geometry = (X.shape, weight.shape, stride, padding)
        out = self.cols @ self.W_mat.T + bias
        return out.reshape(N, H_out, W_out, C_out).transpose(0, 3, 1, 2)

    def backward(self, grad):
        X_shape, w_shape, stride, padding = self.geometry
        need_X, need_w, need_b = self.needs_grad
        C_out, _, kh, kw = w_shape
        g = grad.reshape(-1, C_out)
        dX = col2im(g @ self.W_mat, X_shape, kh, kw, stride, padding) if need_X else None
        dw = (g.T @ self.cols).reshape(w_shape) if need_w else None
        db = g.sum(axis=0) if need_b else None
        return dX, dw, db
""",
        # cols.T @ g is (C * kh * kw, C_out): reshaped to the weight's shape it runs, but it
        # mixes filters; right for C_out = 1.
        "dweight = cols.T @ g, reshaped": """\
class Conv2dFunction(course.Function):
    def forward(self, X, weight, bias, stride=1, padding=0):
        (sy, sx), (py, px) = pair(stride), pair(padding)
        N, C, H, W = X.shape
        C_out, _, kh, kw = weight.shape
        H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
        self.cols = im2col(X, kh, kw, stride, padding)
        self.W_mat = weight.reshape(C_out, -1)
        self.geometry = (X.shape, weight.shape, stride, padding)
        out = self.cols @ self.W_mat.T + bias
        return out.reshape(N, H_out, W_out, C_out).transpose(0, 3, 1, 2)

    def backward(self, grad):
        X_shape, w_shape, stride, padding = self.geometry
        need_X, need_w, need_b = self.needs_grad
        C_out, _, kh, kw = w_shape
        g = grad.transpose(0, 2, 3, 1).reshape(-1, C_out)
        dX = col2im(g @ self.W_mat, X_shape, kh, kw, stride, padding) if need_X else None
        dw = (self.cols.T @ g).reshape(w_shape) if need_w else None
        db = g.sum(axis=0) if need_b else None
        return dX, dw, db
""",
        # One image at a time, the weight gradient assigned, not added: only the last image
        # counts; right for N = 1.
        "dweight not summed over the batch": """\
class Conv2dFunction(course.Function):
    def forward(self, X, weight, bias, stride=1, padding=0):
        (sy, sx), (py, px) = pair(stride), pair(padding)
        N, C, H, W = X.shape
        C_out, _, kh, kw = weight.shape
        H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
        self.cols = im2col(X, kh, kw, stride, padding)
        self.W_mat = weight.reshape(C_out, -1)
        self.geometry = (X.shape, weight.shape, stride, padding)
        out = self.cols @ self.W_mat.T + bias
        return out.reshape(N, H_out, W_out, C_out).transpose(0, 3, 1, 2)

    def backward(self, grad):
        X_shape, w_shape, stride, padding = self.geometry
        need_X, need_w, need_b = self.needs_grad
        C_out, _, kh, kw = w_shape
        N = grad.shape[0]
        g = grad.transpose(0, 2, 3, 1).reshape(-1, C_out)
        dX = col2im(g @ self.W_mat, X_shape, kh, kw, stride, padding) if need_X else None
        dw = None
        if need_w:
            rows = len(g) // N
            for n in range(N):
                part = slice(n * rows, (n + 1) * rows)
                dw = (g[part].T @ self.cols[part]).reshape(w_shape)
        db = g.sum(axis=0) if need_b else None
        return dX, dw, db
""",
        # Forgets the bias: no gradient for it.
        "no bias gradient": """\
class Conv2dFunction(course.Function):
    def forward(self, X, weight, bias, stride=1, padding=0):
        (sy, sx), (py, px) = pair(stride), pair(padding)
        N, C, H, W = X.shape
        C_out, _, kh, kw = weight.shape
        H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
        self.cols = im2col(X, kh, kw, stride, padding)
        self.W_mat = weight.reshape(C_out, -1)
        self.geometry = (X.shape, weight.shape, stride, padding)
        out = self.cols @ self.W_mat.T + bias
        return out.reshape(N, H_out, W_out, C_out).transpose(0, 3, 1, 2)

    def backward(self, grad):
        X_shape, w_shape, stride, padding = self.geometry
        need_X, need_w, need_b = self.needs_grad
        C_out, _, kh, kw = w_shape
        g = grad.transpose(0, 2, 3, 1).reshape(-1, C_out)
        dX = col2im(g @ self.W_mat, X_shape, kh, kw, stride, padding) if need_X else None
        dw = (g.T @ self.cols).reshape(w_shape) if need_w else None
        return dX, dw, None
""",
        # dbias summed over the positions but averaged over the batch, as if it were a loss:
        # right for N = 1.
        "dbias averaged over the batch": """\
class Conv2dFunction(course.Function):
    def forward(self, X, weight, bias, stride=1, padding=0):
        (sy, sx), (py, px) = pair(stride), pair(padding)
        N, C, H, W = X.shape
        C_out, _, kh, kw = weight.shape
        H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
        self.cols = im2col(X, kh, kw, stride, padding)
        self.W_mat = weight.reshape(C_out, -1)
        self.geometry = (X.shape, weight.shape, stride, padding)
        out = self.cols @ self.W_mat.T + bias
        return out.reshape(N, H_out, W_out, C_out).transpose(0, 3, 1, 2)

    def backward(self, grad):
        X_shape, w_shape, stride, padding = self.geometry
        need_X, need_w, need_b = self.needs_grad
        C_out, _, kh, kw = w_shape
        g = grad.transpose(0, 2, 3, 1).reshape(-1, C_out)
        dX = col2im(g @ self.W_mat, X_shape, kh, kw, stride, padding) if need_X else None
        dw = (g.T @ self.cols).reshape(w_shape) if need_w else None
        db = grad.sum(axis=(2, 3)).mean(axis=0) if need_b else None
        return dX, dw, db
""",
        # Computes every gradient whatever needs_grad says.
        "ignores needs_grad": """\
class Conv2dFunction(course.Function):
    def forward(self, X, weight, bias, stride=1, padding=0):
        (sy, sx), (py, px) = pair(stride), pair(padding)
        N, C, H, W = X.shape
        C_out, _, kh, kw = weight.shape
        H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
        self.cols = im2col(X, kh, kw, stride, padding)
        self.W_mat = weight.reshape(C_out, -1)
        self.geometry = (X.shape, weight.shape, stride, padding)
        out = self.cols @ self.W_mat.T + bias
        return out.reshape(N, H_out, W_out, C_out).transpose(0, 3, 1, 2)

    def backward(self, grad):
        X_shape, w_shape, stride, padding = self.geometry
        C_out, _, kh, kw = w_shape
        g = grad.transpose(0, 2, 3, 1).reshape(-1, C_out)
        dX = col2im(g @ self.W_mat, X_shape, kh, kw, stride, padding)
        dw = (g.T @ self.cols).reshape(w_shape)
        db = g.sum(axis=0)
        return dX, dw, db
""",
    },    "ex_max_pool2d": {
        # Sends the gradient to every element equal to the window's max: right without ties.
        "gradient to every tied max": """\
class MaxPool2dFunction(course.Function):
    def forward(self, X, kernel_size, stride=None):
        kh, kw = pair(kernel_size)
        sy, sx = pair(kernel_size if stride is None else stride)
        N, C, H, W = X.shape
        H_out, W_out = (H - kh) // sy + 1, (W - kw) // sx + 1
        windows = sliding_window_view(X, (kh, kw), axis=(2, 3))[:, :, ::sy, ::sx]
        self.windows = windows[:, :, :H_out, :W_out]
        self.out = self.windows.max(axis=(4, 5))
        self.geometry = (X.shape, kh, kw, sy, sx, H_out, W_out)
        return self.out

    def backward(self, grad):
        X_shape, kh, kw, sy, sx, H_out, W_out = self.geometry
        dX = np.zeros(X_shape, dtype=grad.dtype)
        for i in range(kh):
            for j in range(kw):
                hit = self.windows[..., i, j] == self.out
                dX[:, :, i : i + sy * H_out : sy, j : j + sx * W_out : sx] += grad * hit
        return dX
""",
        # Assigns instead of adding: an element that wins two overlapping windows keeps only
        # one window's gradient (and a later offset's zeros overwrite an earlier win).
        "= instead of += in backward": """\
class MaxPool2dFunction(course.Function):
    def forward(self, X, kernel_size, stride=None):
        kh, kw = pair(kernel_size)
        sy, sx = pair(kernel_size if stride is None else stride)
        N, C, H, W = X.shape
        H_out, W_out = (H - kh) // sy + 1, (W - kw) // sx + 1
        windows = sliding_window_view(X, (kh, kw), axis=(2, 3))[:, :, ::sy, ::sx]
        flat = windows[:, :, :H_out, :W_out].reshape(N, C, H_out, W_out, kh * kw)
        self.winner = flat.argmax(axis=-1)
        self.geometry = (X.shape, kh, kw, sy, sx, H_out, W_out)
        return flat.max(axis=-1)

    def backward(self, grad):
        X_shape, kh, kw, sy, sx, H_out, W_out = self.geometry
        dX = np.zeros(X_shape, dtype=grad.dtype)
        for k in range(kh * kw):
            i, j = divmod(k, kw)
            hit = self.winner == k
            dX[:, :, i : i + sy * H_out : sy, j : j + sx * W_out : sx][hit] = grad[hit]
        return (dX,)
""",
        # Backward places window (y, x) at (y*kh, x*kw), as if windows always tiled the input:
        # right for the default stride, wrong windows when they overlap.
        "backward assumes stride = kernel": """\
class MaxPool2dFunction(course.Function):
    def forward(self, X, kernel_size, stride=None):
        kh, kw = pair(kernel_size)
        sy, sx = pair(kernel_size if stride is None else stride)
        N, C, H, W = X.shape
        H_out, W_out = (H - kh) // sy + 1, (W - kw) // sx + 1
        windows = sliding_window_view(X, (kh, kw), axis=(2, 3))[:, :, ::sy, ::sx]
        flat = windows[:, :, :H_out, :W_out].reshape(N, C, H_out, W_out, kh * kw)
        self.winner = flat.argmax(axis=-1)
        self.geometry = (X.shape, kh, kw, H_out, W_out)
        return flat.max(axis=-1)

    def backward(self, grad):
        X_shape, kh, kw, H_out, W_out = self.geometry
        N, C, H, W = X_shape
        dX = np.zeros((N, C, max(H, kh * H_out), max(W, kw * W_out)), dtype=grad.dtype)
        for k in range(kh * kw):
            i, j = divmod(k, kw)
            dX[:, :, i : i + kh * H_out : kh, j : j + kw * W_out : kw] += np.where(
                self.winner == k, grad, 0
            )
        return (dX[:, :, :H, :W],)
""",
        # Default stride 1 (the convolution's default) instead of the kernel size (torch's).
        "default stride 1": """\
class MaxPool2dFunction(course.Function):
    def forward(self, X, kernel_size, stride=None):
        kh, kw = pair(kernel_size)
        sy, sx = pair(1 if stride is None else stride)
        N, C, H, W = X.shape
        H_out, W_out = (H - kh) // sy + 1, (W - kw) // sx + 1
        windows = sliding_window_view(X, (kh, kw), axis=(2, 3))[:, :, ::sy, ::sx]
        flat = windows[:, :, :H_out, :W_out].reshape(N, C, H_out, W_out, kh * kw)
        self.winner = flat.argmax(axis=-1)
        self.geometry = (X.shape, kh, kw, sy, sx, H_out, W_out)
        return flat.max(axis=-1)

    def backward(self, grad):
        X_shape, kh, kw, sy, sx, H_out, W_out = self.geometry
        dX = np.zeros(X_shape, dtype=grad.dtype)
        for k in range(kh * kw):
            i, j = divmod(k, kw)
            dX[:, :, i : i + sy * H_out : sy, j : j + sx * W_out : sx] += np.where(
                self.winner == k, grad, 0
            )
        return (dX,)
""",
    },
    "ex_avg_pool2d": {
        # Upsamples grad by repeating it kh x kw times: right only when the windows tile the
        # input exactly (stride = kernel, no padding).
        "np.repeat upsampling": """\
class AvgPool2dFunction(course.Function):
    def forward(self, X, kernel_size, stride=None, padding=0):
        kh, kw = pair(kernel_size)
        sy, sx = pair(kernel_size if stride is None else stride)
        py, px = pair(padding)
        N, C, H, W = X.shape
        H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
        X_pad = np.pad(X, ((0, 0), (0, 0), (py, py), (px, px)))
        out = np.zeros((N, C, H_out, W_out), dtype=X.dtype)
        for i in range(kh):
            for j in range(kw):
                out += X_pad[:, :, i : i + sy * H_out : sy, j : j + sx * W_out : sx]
        self.geometry = (X.shape, kh, kw, sy, sx, py, px, H_out, W_out)
        return out / (kh * kw)

    def backward(self, grad):
        X_shape, kh, kw, sy, sx, py, px, H_out, W_out = self.geometry
        return np.repeat(np.repeat(grad, kh, axis=2), kw, axis=3) / (kh * kw)
""",
        # Assigns instead of adding: right when windows do not overlap.
        "= instead of +=": """\
class AvgPool2dFunction(course.Function):
    def forward(self, X, kernel_size, stride=None, padding=0):
        kh, kw = pair(kernel_size)
        sy, sx = pair(kernel_size if stride is None else stride)
        py, px = pair(padding)
        N, C, H, W = X.shape
        H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
        X_pad = np.pad(X, ((0, 0), (0, 0), (py, py), (px, px)))
        out = np.zeros((N, C, H_out, W_out), dtype=X.dtype)
        for i in range(kh):
            for j in range(kw):
                out += X_pad[:, :, i : i + sy * H_out : sy, j : j + sx * W_out : sx]
        self.geometry = (X.shape, kh, kw, sy, sx, py, px, H_out, W_out)
        return out / (kh * kw)

    def backward(self, grad):
        X_shape, kh, kw, sy, sx, py, px, H_out, W_out = self.geometry
        N, C, H, W = X_shape
        dX_pad = np.zeros((N, C, H + 2 * py, W + 2 * px), dtype=grad.dtype)
        for i in range(kh):
            for j in range(kw):
                dX_pad[:, :, i : i + sy * H_out : sy, j : j + sx * W_out : sx] = grad / (kh * kw)
        return (dX_pad[:, :, py : py + H, px : px + W],)
""",
        # Works on the padded shape and forgets to cut the padding off: right for padding 0.
        "padding not cut off": """\
class AvgPool2dFunction(course.Function):
    def forward(self, X, kernel_size, stride=None, padding=0):
        kh, kw = pair(kernel_size)
        sy, sx = pair(kernel_size if stride is None else stride)
        py, px = pair(padding)
        N, C, H, W = X.shape
        H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
        X_pad = np.pad(X, ((0, 0), (0, 0), (py, py), (px, px)))
        out = np.zeros((N, C, H_out, W_out), dtype=X.dtype)
        for i in range(kh):
            for j in range(kw):
                out += X_pad[:, :, i : i + sy * H_out : sy, j : j + sx * W_out : sx]
        self.geometry = (X.shape, kh, kw, sy, sx, py, px, H_out, W_out)
        return out / (kh * kw)

    def backward(self, grad):
        X_shape, kh, kw, sy, sx, py, px, H_out, W_out = self.geometry
        N, C, H, W = X_shape
        dX_pad = np.zeros((N, C, H + 2 * py, W + 2 * px), dtype=grad.dtype)
        for i in range(kh):
            for j in range(kw):
                dX_pad[:, :, i : i + sy * H_out : sy, j : j + sx * W_out : sx] += grad / (kh * kw)
        return (dX_pad,)
""",
        # Each element of a window gets the whole grad: the 1 / (kh * kw) share forgotten.
        "grad not divided by kh * kw": """\
class AvgPool2dFunction(course.Function):
    def forward(self, X, kernel_size, stride=None, padding=0):
        kh, kw = pair(kernel_size)
        sy, sx = pair(kernel_size if stride is None else stride)
        py, px = pair(padding)
        N, C, H, W = X.shape
        H_out, W_out = (H + 2 * py - kh) // sy + 1, (W + 2 * px - kw) // sx + 1
        X_pad = np.pad(X, ((0, 0), (0, 0), (py, py), (px, px)))
        out = np.zeros((N, C, H_out, W_out), dtype=X.dtype)
        for i in range(kh):
            for j in range(kw):
                out += X_pad[:, :, i : i + sy * H_out : sy, j : j + sx * W_out : sx]
        self.geometry = (X.shape, kh, kw, sy, sx, py, px, H_out, W_out)
        return out / (kh * kw)

    def backward(self, grad):
        X_shape, kh, kw, sy, sx, py, px, H_out, W_out = self.geometry
        N, C, H, W = X_shape
        dX_pad = np.zeros((N, C, H + 2 * py, W + 2 * px), dtype=grad.dtype)
        for i in range(kh):
            for j in range(kw):
                dX_pad[:, :, i : i + sy * H_out : sy, j : j + sx * W_out : sx] += grad
        return (dX_pad[:, :, py : py + H, px : px + W],)
""",
    },
}

HIDDEN_ONLY: dict[tuple[str, str], str] = {}
