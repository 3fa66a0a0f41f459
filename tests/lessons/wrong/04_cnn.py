"""Plausible wrong answers for lesson 04_cnn: each must score 0 on its exercise.

WRONG maps an answer cell's grade_id to the full source of a wrong answer cell;
VISIBLE_PASSES names the exercises whose wrong answer passes the visible tests (only the
hidden tests catch it).
"""

WRONG = {
    # Pads only the bottom and right (2p there, none at the top and left): the output has the
    # right shape, and without padding (the visible tests) the right values.
    "ex_conv2d_loops": """\
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
    # A reshape where a transpose is needed: (N, C, kh, kw, H_out, W_out) flattened as it is,
    # so the rows are not patches (the visible test catches this one).
    "ex_im2col": """\
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
    # Reshapes the (N * H_out * W_out, C_out) product straight to NCHW: right only with one
    # output channel, which is all the visible tests use.
    "ex_conv2d_im2col": """\
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
    # Ignores the stride: every window, not every s-th one (the visible tests use stride 1).
    "ex_conv2d_windows": """\
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
    # Assigns instead of adding: right when windows do not overlap (the visible tests).
    "ex_col2im": """\
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
    # Reshapes grad (N, C_out, H_out, W_out) to (-1, C_out) without moving the channel axis
    # last: right with one output channel (the visible tests), wrong with more.
    "ex_conv2d_backward": """\
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
    # Sends the gradient to every element equal to the window's max: right without ties.
    "ex_max_pool2d": """\
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
    # Upsamples grad by repeating it kh x kw times: right only when the windows tile the input
    # exactly (stride = kernel, no padding), which is what the visible tests use.
    "ex_avg_pool2d": """\
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
}

VISIBLE_PASSES = set(WRONG) - {"ex_im2col"}
