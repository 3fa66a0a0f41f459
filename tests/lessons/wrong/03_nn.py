"""Plausible wrong answers for lesson 03_nn: each must score 0 on its exercise.

WRONG maps an answer cell's grade_id to the full source of a wrong answer cell;
VISIBLE_PASSES names the exercises whose wrong answer passes the visible tests (only the
hidden tests catch it).
"""

WRONG = {
    # Looks one level down only: right for a model of layers, wrong for deeper trees and for
    # shared weights (listed twice).
    "ex_module": """\
class Module:
    def __init__(self):
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})

    def __call__(self, *args):
        return self.forward(*args)

    def __setattr__(self, name, value):
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def parameters(self):
        params = list(self._parameters.values())
        for child in self._modules.values():
            params += list(child._parameters.values())
        return params
""",
    # Kaiming with the wrong fan: out_features instead of in_features (same on square layers).
    "ex_linear": """\
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
    # The textbook formula without the max shift: exp overflows for logits above ~88.
    "ex_log_softmax": """\
def log_softmax(x, dim=-1):
    return x - x.exp().sum(dim, keepdim=True).log()
""",
    # Averages over all N rows, ignored ones included (and accepts float labels).
    "ex_cross_entropy": """\
def cross_entropy(x, y, ignore_index=-100):
    y = y.numpy() if isinstance(y, course.Tensor) else np.asarray(y)
    keep = y != ignore_index
    logp = F.log_softmax(x, dim=1)
    picked = logp[np.nonzero(keep)[0], y[keep].astype(np.int64)]
    return -picked.sum() / len(y)
""",
    # The momentum buffer starts afresh at every step: momentum never accumulates (right for
    # one step only).
    "ex_sgd": """\
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
    # One step counter for the whole optimizer, bumped once per parameter: the bias correction
    # is right with a single parameter, wrong with several.
    "ex_adam": """\
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
    # Seeds a new generator at every epoch: shuffled once, then the same order every epoch.
    "ex_dataloader": """\
class DataLoader:
    def __init__(self, X, y, batch_size, shuffle=False, drop_last=False, seed=None):
        self.X, self.y = X, y
        self.batch_size, self.shuffle, self.drop_last = batch_size, shuffle, drop_last
        self.seed = seed

    def __len__(self):
        n = len(self.X)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        n = len(self.X)
        order = np.random.default_rng(self.seed).permutation(n) if self.shuffle else np.arange(n)
        for k in range(len(self)):
            idx = order[k * self.batch_size : (k + 1) * self.batch_size]
            yield course.Tensor(self.X[idx]), course.Tensor(self.y[idx])
""",
}

VISIBLE_PASSES = {
    "ex_module",
    "ex_linear",
    "ex_log_softmax",
    "ex_cross_entropy",
    "ex_sgd",
    "ex_adam",
    "ex_dataloader",
}
