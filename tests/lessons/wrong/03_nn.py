"""Plausible wrong answers for lesson 03_nn: each must score 0 on its exercise.

WRONG maps an answer cell's grade_id to its wrong variants, {description: full source of the
answer cell}. The visible tests catch every one of them (no HIDDEN_ONLY entries).
"""

WRONG = {
    "ex_linear": {
        # Kaiming with the wrong fan: out_features instead of in_features (same on square layers).
        "bound from fan_out": """\
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        bound = 1 / math.sqrt(out_features)
        self.weight = Parameter(course.rand(out_features, in_features) * (2 * bound) - bound)
        self.bias = Parameter(course.rand(out_features) * (2 * bound) - bound) if bias else None

    def forward(self, x):
        y = x @ self.weight.T
        return y if self.bias is None else y + self.bias
""",
        # course.rand is in [0, 1): scaled by the bound but never shifted, every weight is
        # positive.
        "weights in [0, b), not (-b, b)": """\
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = Parameter(course.rand(out_features, in_features) * bound)
        self.bias = Parameter(course.rand(out_features) * bound) if bias else None

    def forward(self, x):
        y = x @ self.weight.T
        return y if self.bias is None else y + self.bias
""",
        # Zeros are a common (Keras-style) bias init, but not PyTorch's.
        "bias initialised to zeros": """\
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = Parameter(course.rand(out_features, in_features) * (2 * bound) - bound)
        zeros = np.zeros(out_features, np.float32)
        self.bias = Parameter(zeros) if bias else None

    def forward(self, x):
        y = x @ self.weight.T
        return y if self.bias is None else y + self.bias
""",
        # The bias is created, registered and initialised, but forward forgets to add it.
        "forward forgets the bias": """\
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = Parameter(course.rand(out_features, in_features) * (2 * bound) - bound)
        self.bias = Parameter(course.rand(out_features) * (2 * bound) - bound) if bias else None

    def forward(self, x):
        return x @ self.weight.T
""",
        # The bias as a plain Tensor: the values are right, but it is not registered, has no
        # gradient and an optimizer never moves it.
        "bias a plain Tensor, not a Parameter": """\
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = Parameter(course.rand(out_features, in_features) * (2 * bound) - bound)
        self.bias = course.rand(out_features) * (2 * bound) - bound if bias else None

    def forward(self, x):
        y = x @ self.weight.T
        return y if self.bias is None else y + self.bias
""",
        # The forward pass in NumPy (detach() to get at the arrays): the right numbers, but autograd
        # sees none of it.
        "forward in NumPy: no gradients": """\
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = Parameter(course.rand(out_features, in_features) * (2 * bound) - bound)
        self.bias = Parameter(course.rand(out_features) * (2 * bound) - bound) if bias else None

    def forward(self, x):
        y = x.detach().numpy() @ self.weight.detach().numpy().T
        if self.bias is not None:
            y = y + self.bias.detach().numpy()
        return course.tensor(y)
""",
    },
    "ex_cross_entropy": {
        # Averages over all N rows, ignored ones included (and accepts float labels).
        "mean over all rows, ignored ones included": """\
def cross_entropy(x, y, ignore_index=-100):
    y = y.numpy() if isinstance(y, course.Tensor) else np.asarray(y)
    keep = y != ignore_index
    logp = F.log_softmax(x, dim=1)
    picked = logp[np.nonzero(keep)[0], y[keep].astype(np.int64)]
    return -picked.sum() / len(y)
""",
        # The sum over the batch, not the mean: the loss (and the step size) grows with N.
        "sum instead of mean": """\
def cross_entropy(x, y, ignore_index=-100):
    y = y.numpy() if isinstance(y, course.Tensor) else np.asarray(y)
    if y.dtype.kind not in "iu":
        raise TypeError(f"cross_entropy: y must hold integer class indices, got {y.dtype}")
    keep = np.nonzero(y != ignore_index)[0]
    logp = F.log_softmax(x, dim=1)
    return -logp[keep, y[keep]].sum()
""",
        # A one-hot mask from np.eye is float64: NumPy promotes the float32 loss to float64.
        "one-hot from np.eye: a float64 loss": """\
def cross_entropy(x, y, ignore_index=-100):
    y = y.numpy() if isinstance(y, course.Tensor) else np.asarray(y)
    if y.dtype.kind not in "iu":
        raise TypeError(f"cross_entropy: y must hold integer class indices, got {y.dtype}")
    keep = y != ignore_index
    onehot = np.eye(x.shape[1])[np.where(keep, y, 0)] * keep[:, None]
    return -(F.log_softmax(x, dim=1) * onehot).sum() / keep.sum()
""",
        # Softmax over the batch axis: each column sums to one instead of each row.
        "log_softmax over dim 0": """\
def cross_entropy(x, y, ignore_index=-100):
    y = y.numpy() if isinstance(y, course.Tensor) else np.asarray(y)
    if y.dtype.kind not in "iu":
        raise TypeError(f"cross_entropy: y must hold integer class indices, got {y.dtype}")
    keep = np.nonzero(y != ignore_index)[0]
    logp = F.log_softmax(x, dim=0)
    return -logp[keep, y[keep]].sum() / len(keep)
""",
        # Right on integer labels, but casts float labels silently instead of raising.
        "float labels cast, not refused": """\
def cross_entropy(x, y, ignore_index=-100):
    y = y.numpy() if isinstance(y, course.Tensor) else np.asarray(y)
    y = y.astype(np.int64)
    keep = np.nonzero(y != ignore_index)[0]
    logp = F.log_softmax(x, dim=1)
    return -logp[keep, y[keep]].sum() / len(keep)
""",
    },
    "ex_sgd": {
        # The momentum buffer starts afresh at every step: momentum never accumulates (right for
        # one step only).
        "momentum buffer restarted every step": """\
class SGD:
    def __init__(self, params, lr, momentum=0.0, nesterov=False):
        self.params = list(params)
        self.lr, self.momentum, self.nesterov = lr, momentum, nesterov

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        for p in self.params:
            if p.grad is None:
                continue
            g = p.grad.array
            v = g.copy()
            if self.momentum:
                g = g + self.momentum * v if self.nesterov else v
            p.array -= self.lr * g
""",
        # One buffer for the whole optimizer: each parameter's gradient leaks into the next one's
        # update (and shapes clash when they differ).
        "one momentum buffer shared by all parameters": """\
class SGD:
    def __init__(self, params, lr, momentum=0.0, nesterov=False):
        self.params = list(params)
        self.lr, self.momentum, self.nesterov = lr, momentum, nesterov
        self.v = None

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        for p in self.params:
            if p.grad is None:
                continue
            g = p.grad.array
            if self.momentum:
                self.v = g.copy() if self.v is None else self.momentum * self.v + g
                g = g + self.momentum * self.v if self.nesterov else self.v
            p.array -= self.lr * g
""",
        # Momentum as an exponential average (Adam's m, or "dampening"): v = mu v + (1 - mu) g.
        "dampened momentum v = mu v + (1 - mu) g": """\
class SGD:
    def __init__(self, params, lr, momentum=0.0, nesterov=False):
        self.params = list(params)
        self.lr, self.momentum, self.nesterov = lr, momentum, nesterov
        self.buffers = {}

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        for p in self.params:
            if p.grad is None:
                continue
            g = p.grad.array
            if self.momentum:
                v = self.buffers.get(id(p), np.zeros_like(g))
                v = self.momentum * v + (1 - self.momentum) * g
                self.buffers[id(p)] = v
                g = g + self.momentum * v if self.nesterov else v
            p.array -= self.lr * g
""",
        # nesterov accepted and ignored: plain momentum.
        "nesterov ignored": """\
class SGD:
    def __init__(self, params, lr, momentum=0.0, nesterov=False):
        self.params = list(params)
        self.lr, self.momentum, self.nesterov = lr, momentum, nesterov
        self.buffers = {}

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        for p in self.params:
            if p.grad is None:
                continue
            g = p.grad.array
            if self.momentum:
                v = self.buffers.get(id(p))
                v = g.copy() if v is None else self.momentum * v + g
                self.buffers[id(p)] = v
                g = v
            p.array -= self.lr * g
""",
        # Right numbers, but p.array is replaced by a new array instead of updated in place.
        "p.array replaced, not updated in place": """\
class SGD:
    def __init__(self, params, lr, momentum=0.0, nesterov=False):
        self.params = list(params)
        self.lr, self.momentum, self.nesterov = lr, momentum, nesterov
        self.buffers = {}

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        for p in self.params:
            if p.grad is None:
                continue
            g = p.grad.array
            if self.momentum:
                v = self.buffers.get(id(p))
                v = g.copy() if v is None else self.momentum * v + g
                self.buffers[id(p)] = v
                g = g + self.momentum * v if self.nesterov else v
            p.array = p.array - self.lr * g
""",
    },
    "ex_adam": {
        # One step counter for the whole optimizer, bumped once per parameter: the bias correction
        # is right with a single parameter, wrong with several.
        "one step counter bumped once per parameter": """\
class Adam:
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.params = list(params)
        self.lr, self.betas, self.eps = lr, betas, eps
        self.state = {}
        self.t = 0

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        beta1, beta2 = self.betas
        for p in self.params:
            if p.grad is None:
                continue
            g = p.grad.array
            m, v = self.state.get(id(p), (np.zeros_like(g), np.zeros_like(g)))
            self.t += 1
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            self.state[id(p)] = (m, v)
            m_hat = m / (1 - beta1**self.t)
            v_hat = v / (1 - beta2**self.t)
            p.array -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
""",
        # No bias correction: the first steps are far too small (m_1 = 0.1 g).
        "no bias correction": """\
class Adam:
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.params = list(params)
        self.lr, self.betas, self.eps = lr, betas, eps
        self.state = {}

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        beta1, beta2 = self.betas
        for p in self.params:
            if p.grad is None:
                continue
            g = p.grad.array
            m, v = self.state.get(id(p), (np.zeros_like(g), np.zeros_like(g)))
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            self.state[id(p)] = (m, v)
            p.array -= self.lr * m / (np.sqrt(v) + self.eps)
""",
        # m and v as two optimizer attributes: shared by every parameter.
        "m and v shared by all parameters": """\
class Adam:
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.params = list(params)
        self.lr, self.betas, self.eps = lr, betas, eps
        self.state = {}
        self.m, self.v, self.t = 0.0, 0.0, 0

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        beta1, beta2 = self.betas
        self.t += 1
        for p in self.params:
            if p.grad is None:
                continue
            g = p.grad.array
            self.m = beta1 * self.m + (1 - beta1) * g
            self.v = beta2 * self.v + (1 - beta2) * g * g
            m_hat = self.m / (1 - beta1**self.t)
            v_hat = self.v / (1 - beta2**self.t)
            p.array -= (self.lr * m_hat / (np.sqrt(v_hat) + self.eps)).astype(p.array.dtype)
""",
        # t counts calls of step(), not each parameter's own steps: wrong for a parameter that
        # had no gradient at some steps.
        "step count per step() call, not per parameter": """\
class Adam:
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.params = list(params)
        self.lr, self.betas, self.eps = lr, betas, eps
        self.state = {}
        self.t = 0

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        beta1, beta2 = self.betas
        self.t += 1
        for p in self.params:
            if p.grad is None:
                continue
            g = p.grad.array
            m, v = self.state.get(id(p), (np.zeros_like(g), np.zeros_like(g)))
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            self.state[id(p)] = (m, v)
            m_hat = m / (1 - beta1**self.t)
            v_hat = v / (1 - beta2**self.t)
            p.array -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
""",
        # eps inside the square root (RMSprop-style): a visible error for small gradients.
        "eps inside the square root": """\
class Adam:
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.params = list(params)
        self.lr, self.betas, self.eps = lr, betas, eps
        self.state = {}

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        beta1, beta2 = self.betas
        for p in self.params:
            if p.grad is None:
                continue
            g = p.grad.array
            t, m, v = self.state.get(id(p), (0, np.zeros_like(g), np.zeros_like(g)))
            t += 1
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            self.state[id(p)] = (t, m, v)
            m_hat = m / (1 - beta1**t)
            v_hat = v / (1 - beta2**t)
            p.array -= self.lr * m_hat / np.sqrt(v_hat + self.eps)
""",
    },
    "ex_adamw": {
        # The classic weight decay of SGD, g + wd * p: Adam then divides it by sqrt(v_hat).
        "L2 added to the gradient (Adam + L2, not AdamW)": """\
class AdamW:
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        self.params = list(params)
        self.lr, self.weight_decay = lr, weight_decay
        self.adam = optim.Adam(self.params, lr=lr, betas=betas, eps=eps)

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        for p in self.params:
            if p.grad is not None:
                p.grad.array += self.weight_decay * p.array
        self.adam.step()
""",
        # Step first, then shrink: the decay also shrinks the Adam step (by lr**2 * wd * step).
        "decay applied after the Adam step": """\
class AdamW:
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        self.params = list(params)
        self.lr, self.weight_decay = lr, weight_decay
        self.adam = optim.Adam(self.params, lr=lr, betas=betas, eps=eps)

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        self.adam.step()
        for p in self.params:
            if p.grad is not None:
                p.array *= 1 - self.lr * self.weight_decay
""",
        # Reads weight_decay as the shrink factor per step, forgetting the lr in lr * wd.
        "decay not scaled by lr": """\
class AdamW:
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        self.params = list(params)
        self.lr, self.weight_decay = lr, weight_decay
        self.adam = optim.Adam(self.params, lr=lr, betas=betas, eps=eps)

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        for p in self.params:
            if p.grad is not None:
                p.array *= 1 - self.weight_decay
        self.adam.step()
""",
        # Decays every parameter, also those torch skips because they have no gradient.
        "parameters without a gradient decayed too": """\
class AdamW:
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        self.params = list(params)
        self.lr, self.weight_decay = lr, weight_decay
        self.adam = optim.Adam(self.params, lr=lr, betas=betas, eps=eps)

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        for p in self.params:
            p.array *= 1 - self.lr * self.weight_decay
        self.adam.step()
""",
    },
    "ex_lr_schedule": {
        # The off-by-one of many warmups: step 0 gets lr 0 and learns nothing.
        "warmup starts at 0 (step / warmup_steps)": """\
def lr_schedule(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < warmup_steps:
        return base_lr * step / warmup_steps
    if step >= total_steps:
        return min_lr
    t = (step - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + (base_lr - min_lr) * (1 + math.cos(math.pi * t)) / 2
""",
        # The textbook cosine without a floor; only the clamp after total_steps uses min_lr.
        "cosine decays to 0, ignoring min_lr": """\
def lr_schedule(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    if step >= total_steps:
        return min_lr
    t = (step - warmup_steps) / (total_steps - warmup_steps)
    return base_lr * (1 + math.cos(math.pi * t)) / 2
""",
        # Divides by total_steps instead of the decay's length: the phase ends short of pi.
        "cosine period total_steps: never reaches min_lr": """\
def lr_schedule(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    if step >= total_steps:
        return min_lr
    t = (step - warmup_steps) / total_steps
    return min_lr + (base_lr - min_lr) * (1 + math.cos(math.pi * t)) / 2
""",
        # Right up to total_steps, then the cosine passes pi and climbs back toward base_lr.
        "no clamp after total_steps: the rate rises again": """\
def lr_schedule(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    t = (step - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + (base_lr - min_lr) * (1 + math.cos(math.pi * t)) / 2
""",
    },
}

HIDDEN_ONLY = {}
