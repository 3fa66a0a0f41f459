"""Plausible wrong answers for lesson 04_cnn: each must score 0 on its exercise.

WRONG maps an answer cell's grade_id to its wrong variants, {description: full answer cell
source}; every one must fail the visible tests (HIDDEN_ONLY lists the exceptions: none here).
"""

WRONG = {
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
    },
    "ex_batch_norm": {
        # np.var's default (ddof=0) everywhere: the running variance should store the unbiased one.
        "biased variance in the running var": """\
class BatchNorm2dFunction(course.Function):
    def forward(
        self, X, weight, bias, running_mean, running_var, training=True, momentum=0.1, eps=1e-5
    ):
        if training:
            mean, var = X.mean(axis=(0, 2, 3)), X.var(axis=(0, 2, 3))
            running_mean *= 1 - momentum
            running_mean += momentum * mean
            running_var *= 1 - momentum
            running_var += momentum * var
        else:
            mean, var = running_mean, running_var
        self.inv_std = 1 / np.sqrt(var + eps)
        self.xhat = (X - mean[:, None, None]) * self.inv_std[:, None, None]
        self.weight, self.training = weight, training
        return self.xhat * weight[:, None, None] + bias[:, None, None]

    def backward(self, grad):
        if self.training:
            return batch_norm_backward(grad, self.xhat, self.inv_std, self.weight)
        dX = grad * (self.weight * self.inv_std)[:, None, None]
        return dX, (grad * self.xhat).sum(axis=(0, 2, 3)), grad.sum(axis=(0, 2, 3))
""",
        # Updates the running statistics on every call, then normalises with them in evaluation.
        "running stats updated in eval too": """\
class BatchNorm2dFunction(course.Function):
    def forward(
        self, X, weight, bias, running_mean, running_var, training=True, momentum=0.1, eps=1e-5
    ):
        m = X.size // X.shape[1]
        mean, var = X.mean(axis=(0, 2, 3)), X.var(axis=(0, 2, 3))
        running_mean *= 1 - momentum
        running_mean += momentum * mean
        running_var *= 1 - momentum
        running_var += momentum * m / (m - 1) * var
        if not training:
            mean, var = running_mean, running_var
        self.inv_std = 1 / np.sqrt(var + eps)
        self.xhat = (X - mean[:, None, None]) * self.inv_std[:, None, None]
        self.weight, self.training = weight, training
        return self.xhat * weight[:, None, None] + bias[:, None, None]

    def backward(self, grad):
        if self.training:
            return batch_norm_backward(grad, self.xhat, self.inv_std, self.weight)
        dX = grad * (self.weight * self.inv_std)[:, None, None]
        return dX, (grad * self.xhat).sum(axis=(0, 2, 3)), grad.sum(axis=(0, 2, 3))
""",
        # The optimizer's convention (momentum weighs the OLD value); torch's BatchNorm
        # momentum weighs the new one.
        "momentum the wrong way round (0.9 convention)": """\
class BatchNorm2dFunction(course.Function):
    def forward(
        self, X, weight, bias, running_mean, running_var, training=True, momentum=0.1, eps=1e-5
    ):
        if training:
            m = X.size // X.shape[1]
            mean, var = X.mean(axis=(0, 2, 3)), X.var(axis=(0, 2, 3))
            running_mean[:] = momentum * running_mean + (1 - momentum) * mean
            running_var[:] = momentum * running_var + (1 - momentum) * var * m / (m - 1)
        else:
            mean, var = running_mean, running_var
        self.inv_std = 1 / np.sqrt(var + eps)
        self.xhat = (X - mean[:, None, None]) * self.inv_std[:, None, None]
        self.weight, self.training = weight, training
        return self.xhat * weight[:, None, None] + bias[:, None, None]

    def backward(self, grad):
        if self.training:
            return batch_norm_backward(grad, self.xhat, self.inv_std, self.weight)
        dX = grad * (self.weight * self.inv_std)[:, None, None]
        return dX, (grad * self.xhat).sum(axis=(0, 2, 3)), grad.sum(axis=(0, 2, 3))
""",
        # Updates the running statistics, then normalises with them in both modes.
        "normalises with the running stats in training": """\
class BatchNorm2dFunction(course.Function):
    def forward(
        self, X, weight, bias, running_mean, running_var, training=True, momentum=0.1, eps=1e-5
    ):
        if training:
            m = X.size // X.shape[1]
            mean, var = X.mean(axis=(0, 2, 3)), X.var(axis=(0, 2, 3))
            running_mean *= 1 - momentum
            running_mean += momentum * mean
            running_var *= 1 - momentum
            running_var += momentum * m / (m - 1) * var
        self.inv_std = 1 / np.sqrt(running_var + eps)
        self.xhat = (X - running_mean[:, None, None]) * self.inv_std[:, None, None]
        self.weight, self.training = weight, training
        return self.xhat * weight[:, None, None] + bias[:, None, None]

    def backward(self, grad):
        if self.training:
            return batch_norm_backward(grad, self.xhat, self.inv_std, self.weight)
        dX = grad * (self.weight * self.inv_std)[:, None, None]
        return dX, (grad * self.xhat).sum(axis=(0, 2, 3)), grad.sum(axis=(0, 2, 3))
""",
        # Assigns new arrays to the local names: the caller's buffers never change.
        "running stats rebound, not updated in place": """\
class BatchNorm2dFunction(course.Function):
    def forward(
        self, X, weight, bias, running_mean, running_var, training=True, momentum=0.1, eps=1e-5
    ):
        if training:
            m = X.size // X.shape[1]
            mean, var = X.mean(axis=(0, 2, 3)), X.var(axis=(0, 2, 3))
            running_mean = (1 - momentum) * running_mean + momentum * mean
            running_var = (1 - momentum) * running_var + momentum * m / (m - 1) * var
        else:
            mean, var = running_mean, running_var
        self.inv_std = 1 / np.sqrt(var + eps)
        self.xhat = (X - mean[:, None, None]) * self.inv_std[:, None, None]
        self.weight, self.training = weight, training
        return self.xhat * weight[:, None, None] + bias[:, None, None]

    def backward(self, grad):
        if self.training:
            return batch_norm_backward(grad, self.xhat, self.inv_std, self.weight)
        dX = grad * (self.weight * self.inv_std)[:, None, None]
        return dX, (grad * self.xhat).sum(axis=(0, 2, 3)), grad.sum(axis=(0, 2, 3))
""",
    },
    "ex_batch_norm_backward": {
        # The evaluation gradient in training: forgets that the batch statistics depend on X.
        "mean and var treated as constants": """\
def batch_norm_backward(grad, xhat, inv_std, weight):
    dbias = grad.sum(axis=(0, 2, 3))
    dweight = (grad * xhat).sum(axis=(0, 2, 3))
    return grad * (weight * inv_std)[:, None, None], dweight, dbias
""",
        # Subtracts the mean of g but forgets the variance's term, xhat * mean(g * xhat).
        "only the mean term (variance treated as constant)": """\
def batch_norm_backward(grad, xhat, inv_std, weight):
    dbias = grad.sum(axis=(0, 2, 3))
    dweight = (grad * xhat).sum(axis=(0, 2, 3))
    g = grad - grad.mean(axis=(0, 2, 3), keepdims=True)
    return g * (weight * inv_std)[:, None, None], dweight, dbias
""",
        # A mean over N, H, W where the chain rule sums: right only when m = 1.
        "dgamma, dbeta averaged instead of summed": """\
def batch_norm_backward(grad, xhat, inv_std, weight):
    m = grad.size // grad.shape[1]
    dbias = grad.mean(axis=(0, 2, 3))
    dweight = (grad * xhat).mean(axis=(0, 2, 3))
    dX = grad - dbias[:, None, None] - xhat * dweight[:, None, None]
    return dX * (weight * inv_std)[:, None, None], dweight, dbias
""",
        # Sums over N (as for a Linear layer's bias) but not over H and W: one number per pixel.
        "dgamma, dbeta summed over the batch only": """\
def batch_norm_backward(grad, xhat, inv_std, weight):
    m = grad.size // grad.shape[1]
    dX = (
        grad
        - grad.mean(axis=(0, 2, 3), keepdims=True)
        - xhat * (grad * xhat).mean(axis=(0, 2, 3), keepdims=True)
    )
    return dX * (weight * inv_std)[:, None, None], (grad * xhat).sum(axis=0), grad.sum(axis=0)
""",
    },
    "ex_dropout": {
        # Zeroes elements but forgets the 1 / (1 - p): the expected value shrinks to (1 - p) * X.
        "not rescaled": """\
class DropoutFunction(course.Function):
    def forward(self, X, p=0.5, training=True, rng=None):
        if not training:
            self.mask = None
            return X
        self.mask = (rng.random(X.shape) >= p).astype(X.dtype)
        return X * self.mask

    def backward(self, grad):
        if self.mask is None:
            return (grad,)
        return (grad * self.mask,)
""",
        # Scales by 1 / (1 - p) in both modes: evaluation must be the identity.
        "rescaled in eval too": """\
class DropoutFunction(course.Function):
    def forward(self, X, p=0.5, training=True, rng=None):
        if not training:
            self.mask = np.full_like(X, 1 / (1 - p))
            return X * self.mask
        keep = rng.random(X.shape) >= p
        self.mask = np.zeros_like(X) if p == 1 else keep.astype(X.dtype) / X.dtype.type(1 - p)
        return X * self.mask

    def backward(self, grad):
        if self.mask is None:
            return (grad,)
        return (grad * self.mask,)
""",
        # Draws the mask again in backward: other elements get the gradient than those kept.
        "a fresh mask in backward": """\
class DropoutFunction(course.Function):
    def forward(self, X, p=0.5, training=True, rng=None):
        self.p, self.training, self.rng = p, training, rng
        if not training:
            return X
        keep = rng.random(X.shape) >= p
        return X * keep / (1 - p) if p < 1 else np.zeros_like(X)

    def backward(self, grad):
        if not self.training:
            return (grad,)
        if self.p == 1:
            return (np.zeros_like(grad),)
        keep = self.rng.random(grad.shape) >= self.p
        return (grad * keep / (1 - self.p),)
""",
        # Multiplies the kept elements by 1 - p (the eval-time rule of the original dropout paper).
        "scaled by (1 - p), not 1 / (1 - p)": """\
class DropoutFunction(course.Function):
    def forward(self, X, p=0.5, training=True, rng=None):
        if not training:
            self.mask = None
            return X
        keep = rng.random(X.shape) >= p
        self.mask = keep.astype(X.dtype) * X.dtype.type(1 - p)
        return X * self.mask

    def backward(self, grad):
        if self.mask is None:
            return (grad,)
        return (grad * self.mask,)
""",
        # A blind 1 / (1 - p): at p = 1 the dropped elements become 0 / 0 = nan.
        "p = 1 not guarded (0 / 0 = nan)": """\
class DropoutFunction(course.Function):
    def forward(self, X, p=0.5, training=True, rng=None):
        if not training:
            self.mask = None
            return X
        keep = rng.random(X.shape) >= p
        with np.errstate(divide="ignore", invalid="ignore"):
            self.mask = keep.astype(X.dtype) / X.dtype.type(1 - p)
        return X * self.mask

    def backward(self, grad):
        if self.mask is None:
            return (grad,)
        return (grad * self.mask,)
""",
    },
}

HIDDEN_ONLY: dict[tuple[str, str], str] = {}
