"""Plausible wrong answers for lesson 08_attention (see tests/lessons/test_wrong_answers.py).

WRONG maps an answer cell's grade_id to its wrong variants, {description: full answer cell};
each must run, fail the visible test (what Validate runs) and score 0. The kernel's are mistakes
Numba's CUDA simulator exposes on a CPU-only grader (an index past the end raises there). Races
(a missing cuda.syncthreads()) are not planted: the simulator does not expose them reliably.
HIDDEN_ONLY is empty.
"""

WRONG = {
    'ex_layer_norm': {
        'the unbiased variance (divides by C - 1)': '''\
def layer_norm_forward(x, gamma, beta, eps=1e-5):
    """y = gamma * (x - mean) / sqrt(var + eps) + beta over the last axis; returns (y, cache)."""
    mu = x.mean(axis=-1, keepdims=True)
    rstd = 1.0 / np.sqrt(x.var(axis=-1, ddof=1, keepdims=True) + eps)
    x_hat = (x - mu) * rstd
    return gamma * x_hat + beta, (x_hat, rstd, gamma)


def layer_norm_backward(dy, cache):
    """(dx, dgamma, dbeta) of layer_norm_forward, given dL/dy."""
    x_hat, rstd, gamma = cache  # what your forward saved: change this line if you saved more
    axes = tuple(range(dy.ndim - 1))  # every axis but the features
    g = dy * gamma
    dx = rstd * (g - g.mean(-1, keepdims=True) - x_hat * (g * x_hat).mean(-1, keepdims=True))
    return dx, (dy * x_hat).sum(axis=axes), dy.sum(axis=axes)
''',
        'normalises over the first axis, not the features': '''\
def layer_norm_forward(x, gamma, beta, eps=1e-5):
    """y = gamma * (x - mean) / sqrt(var + eps) + beta over the last axis; returns (y, cache)."""
    mu = x.mean(axis=0, keepdims=True)
    rstd = 1.0 / np.sqrt(((x - mu) ** 2).mean(axis=0, keepdims=True) + eps)
    x_hat = (x - mu) * rstd
    return gamma * x_hat + beta, (x_hat, rstd, gamma)


def layer_norm_backward(dy, cache):
    """(dx, dgamma, dbeta) of layer_norm_forward, given dL/dy."""
    x_hat, rstd, gamma = cache  # what your forward saved: change this line if you saved more
    axes = tuple(range(dy.ndim - 1))  # every axis but the features
    g = dy * gamma
    dx = rstd * (g - g.mean(-1, keepdims=True) - x_hat * (g * x_hat).mean(-1, keepdims=True))
    return dx, (dy * x_hat).sum(axis=axes), dy.sum(axis=axes)
''',
        'dx ignores that the mean and the variance depend on x': '''\
def layer_norm_forward(x, gamma, beta, eps=1e-5):
    """y = gamma * (x - mean) / sqrt(var + eps) + beta over the last axis; returns (y, cache)."""
    mu = x.mean(axis=-1, keepdims=True)
    rstd = 1.0 / np.sqrt(((x - mu) ** 2).mean(axis=-1, keepdims=True) + eps)
    x_hat = (x - mu) * rstd
    return gamma * x_hat + beta, (x_hat, rstd, gamma)


def layer_norm_backward(dy, cache):
    """(dx, dgamma, dbeta) of layer_norm_forward, given dL/dy."""
    x_hat, rstd, gamma = cache  # what your forward saved: change this line if you saved more
    axes = tuple(range(dy.ndim - 1))  # every axis but the features
    g = dy * gamma
    dx = rstd * g
    return dx, (dy * x_hat).sum(axis=axes), dy.sum(axis=axes)
''',
        'dgamma and dbeta summed over the batch axis only': '''\
def layer_norm_forward(x, gamma, beta, eps=1e-5):
    """y = gamma * (x - mean) / sqrt(var + eps) + beta over the last axis; returns (y, cache)."""
    mu = x.mean(axis=-1, keepdims=True)
    rstd = 1.0 / np.sqrt(((x - mu) ** 2).mean(axis=-1, keepdims=True) + eps)
    x_hat = (x - mu) * rstd
    return gamma * x_hat + beta, (x_hat, rstd, gamma)


def layer_norm_backward(dy, cache):
    """(dx, dgamma, dbeta) of layer_norm_forward, given dL/dy."""
    x_hat, rstd, gamma = cache  # what your forward saved: change this line if you saved more
    axes = tuple(range(dy.ndim - 1))  # every axis but the features
    g = dy * gamma
    dx = rstd * (g - g.mean(-1, keepdims=True) - x_hat * (g * x_hat).mean(-1, keepdims=True))
    return dx, (dy * x_hat).sum(axis=0), dy.sum(axis=0)
''',
        'dx forgets the x_hat term': '''\
def layer_norm_forward(x, gamma, beta, eps=1e-5):
    """y = gamma * (x - mean) / sqrt(var + eps) + beta over the last axis; returns (y, cache)."""
    mu = x.mean(axis=-1, keepdims=True)
    rstd = 1.0 / np.sqrt(((x - mu) ** 2).mean(axis=-1, keepdims=True) + eps)
    x_hat = (x - mu) * rstd
    return gamma * x_hat + beta, (x_hat, rstd, gamma)


def layer_norm_backward(dy, cache):
    """(dx, dgamma, dbeta) of layer_norm_forward, given dL/dy."""
    x_hat, rstd, gamma = cache  # what your forward saved: change this line if you saved more
    axes = tuple(range(dy.ndim - 1))  # every axis but the features
    g = dy * gamma
    dx = rstd * (g - g.mean(-1, keepdims=True))
    return dx, (dy * x_hat).sum(axis=axes), dy.sum(axis=axes)
''',
        'dgamma is the sum of dy, not of dy * x_hat': '''\
def layer_norm_forward(x, gamma, beta, eps=1e-5):
    """y = gamma * (x - mean) / sqrt(var + eps) + beta over the last axis; returns (y, cache)."""
    mu = x.mean(axis=-1, keepdims=True)
    rstd = 1.0 / np.sqrt(((x - mu) ** 2).mean(axis=-1, keepdims=True) + eps)
    x_hat = (x - mu) * rstd
    return gamma * x_hat + beta, (x_hat, rstd, gamma)


def layer_norm_backward(dy, cache):
    """(dx, dgamma, dbeta) of layer_norm_forward, given dL/dy."""
    x_hat, rstd, gamma = cache  # what your forward saved: change this line if you saved more
    axes = tuple(range(dy.ndim - 1))  # every axis but the features
    g = dy * gamma
    dx = rstd * (g - g.mean(-1, keepdims=True) - x_hat * (g * x_hat).mean(-1, keepdims=True))
    return dx, dy.sum(axis=axes), dy.sum(axis=axes)
''',
    },
    'ex_gelu': {
        'a float64 constant (np.sqrt) turns float32 into float64': '''\
def gelu(x):
    """0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3))), dtype kept."""
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)))
''',
        'x**2 for x**3': '''\
def gelu(x):
    """0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3))), dtype kept."""
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**2)))
''',
        'the factor 0.5 is missing': '''\
def gelu(x):
    """0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3))), dtype kept."""
    return x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))
''',
        'the exact form with tanh replaced by a sigmoid': '''\
def gelu(x):
    """0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3))), dtype kept."""
    return 0.5 * x * (1.0 / (1.0 + np.exp(-1.702 * x)))
''',
    },
    'ex_causal_attention': {
        'no causal mask': '''\
def causal_attention(q, k, v):
    """(softmax(q @ k^T / sqrt(d) + causal mask) @ v, the softmax) for (..., T, d) arrays."""
    T, d = q.shape[-2], q.shape[-1]
    # scaled scores, the mask, a stable softmax over the keys: probs of shape (..., T, T)
    scores = (q @ k.swapaxes(-1, -2)) / math.sqrt(d)
    scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
    probs = scores / scores.sum(axis=-1, keepdims=True)
    return probs @ v, probs
''',
        'the softmax over the wrong axis (the queries)': '''\
def causal_attention(q, k, v):
    """(softmax(q @ k^T / sqrt(d) + causal mask) @ v, the softmax) for (..., T, d) arrays."""
    T, d = q.shape[-2], q.shape[-1]
    # scaled scores, the mask, a stable softmax over the keys: probs of shape (..., T, T)
    scores = (q @ k.swapaxes(-1, -2)) / math.sqrt(d)
    scores = np.where(np.triu(np.ones((T, T), bool), k=1), -np.inf, scores)
    scores = np.exp(scores - scores.max(axis=-2, keepdims=True))
    probs = scores / scores.sum(axis=-2, keepdims=True)
    return probs @ v, probs
''',
        'unscaled scores': '''\
def causal_attention(q, k, v):
    """(softmax(q @ k^T / sqrt(d) + causal mask) @ v, the softmax) for (..., T, d) arrays."""
    T, d = q.shape[-2], q.shape[-1]
    # scaled scores, the mask, a stable softmax over the keys: probs of shape (..., T, T)
    scores = q @ k.swapaxes(-1, -2)
    scores = np.where(np.triu(np.ones((T, T), bool), k=1), -np.inf, scores)
    scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
    probs = scores / scores.sum(axis=-1, keepdims=True)
    return probs @ v, probs
''',
        'scaled by 1 / d, not 1 / sqrt(d)': '''\
def causal_attention(q, k, v):
    """(softmax(q @ k^T / sqrt(d) + causal mask) @ v, the softmax) for (..., T, d) arrays."""
    T, d = q.shape[-2], q.shape[-1]
    # scaled scores, the mask, a stable softmax over the keys: probs of shape (..., T, T)
    scores = (q @ k.swapaxes(-1, -2)) / d
    scores = np.where(np.triu(np.ones((T, T), bool), k=1), -np.inf, scores)
    scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
    probs = scores / scores.sum(axis=-1, keepdims=True)
    return probs @ v, probs
''',
        'no max subtracted: exp overflows': '''\
def causal_attention(q, k, v):
    """(softmax(q @ k^T / sqrt(d) + causal mask) @ v, the softmax) for (..., T, d) arrays."""
    T, d = q.shape[-2], q.shape[-1]
    # scaled scores, the mask, a stable softmax over the keys: probs of shape (..., T, T)
    scores = (q @ k.swapaxes(-1, -2)) / math.sqrt(d)
    scores = np.where(np.triu(np.ones((T, T), bool), k=1), -np.inf, scores)
    scores = np.exp(scores)
    probs = scores / scores.sum(axis=-1, keepdims=True)
    return probs @ v, probs
''',
        'the mask hides the diagonal too': '''\
def causal_attention(q, k, v):
    """(softmax(q @ k^T / sqrt(d) + causal mask) @ v, the softmax) for (..., T, d) arrays."""
    T, d = q.shape[-2], q.shape[-1]
    # scaled scores, the mask, a stable softmax over the keys: probs of shape (..., T, T)
    scores = (q @ k.swapaxes(-1, -2)) / math.sqrt(d)
    scores = np.where(np.triu(np.ones((T, T), bool), k=0), -np.inf, scores)
    scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
    probs = scores / scores.sum(axis=-1, keepdims=True)
    return probs @ v, probs
''',
        'masks after the softmax, without renormalising': '''\
def causal_attention(q, k, v):
    """(softmax(q @ k^T / sqrt(d) + causal mask) @ v, the softmax) for (..., T, d) arrays."""
    T, d = q.shape[-2], q.shape[-1]
    # scaled scores, the mask, a stable softmax over the keys: probs of shape (..., T, T)
    scores = (q @ k.swapaxes(-1, -2)) / math.sqrt(d)
    scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
    probs = scores / scores.sum(axis=-1, keepdims=True)
    probs = np.where(np.triu(np.ones((T, T), bool), k=1), 0.0, probs).astype(q.dtype)
    return probs @ v, probs
''',
    },
    'ex_attention_backward': {
        'the softmax backward without the row sum': '''\
def attention_backward(dout, q, k, v, probs):
    """(dq, dk, dv) of out = softmax(q k^T / sqrt(d) + mask) @ v, given dout and the softmax."""
    scale = 1.0 / math.sqrt(q.shape[-1])
    dv = probs.swapaxes(-1, -2) @ dout
    dp = dout @ v.swapaxes(-1, -2)
    # dS through the softmax, then return (dq, dk, dv)
    ds = probs * dp
    return ds @ k * scale, ds.swapaxes(-1, -2) @ q * scale, dv
''',
        'the row sum over the wrong axis': '''\
def attention_backward(dout, q, k, v, probs):
    """(dq, dk, dv) of out = softmax(q k^T / sqrt(d) + mask) @ v, given dout and the softmax."""
    scale = 1.0 / math.sqrt(q.shape[-1])
    dv = probs.swapaxes(-1, -2) @ dout
    dp = dout @ v.swapaxes(-1, -2)
    # dS through the softmax, then return (dq, dk, dv)
    ds = probs * (dp - (dp * probs).sum(axis=-2, keepdims=True))
    return ds @ k * scale, ds.swapaxes(-1, -2) @ q * scale, dv
''',
        'dq and dk without the 1 / sqrt(d) scale': '''\
def attention_backward(dout, q, k, v, probs):
    """(dq, dk, dv) of out = softmax(q k^T / sqrt(d) + mask) @ v, given dout and the softmax."""
    scale = 1.0 / math.sqrt(q.shape[-1])
    dv = probs.swapaxes(-1, -2) @ dout
    dp = dout @ v.swapaxes(-1, -2)
    # dS through the softmax, then return (dq, dk, dv)
    ds = probs * (dp - (dp * probs).sum(axis=-1, keepdims=True))
    return ds @ k, ds.swapaxes(-1, -2) @ q, dv
''',
        'dk = dS @ q, not dS^T @ q': '''\
def attention_backward(dout, q, k, v, probs):
    """(dq, dk, dv) of out = softmax(q k^T / sqrt(d) + mask) @ v, given dout and the softmax."""
    scale = 1.0 / math.sqrt(q.shape[-1])
    dv = probs.swapaxes(-1, -2) @ dout
    dp = dout @ v.swapaxes(-1, -2)
    # dS through the softmax, then return (dq, dk, dv)
    ds = probs * (dp - (dp * probs).sum(axis=-1, keepdims=True))
    return ds @ k * scale, ds @ q * scale, dv
''',
        'dq = dS^T @ k, not dS @ k': '''\
def attention_backward(dout, q, k, v, probs):
    """(dq, dk, dv) of out = softmax(q k^T / sqrt(d) + mask) @ v, given dout and the softmax."""
    scale = 1.0 / math.sqrt(q.shape[-1])
    dv = probs.swapaxes(-1, -2) @ dout
    dp = dout @ v.swapaxes(-1, -2)
    # dS through the softmax, then return (dq, dk, dv)
    ds = probs * (dp - (dp * probs).sum(axis=-1, keepdims=True))
    return ds.swapaxes(-1, -2) @ k * scale, ds.swapaxes(-1, -2) @ q * scale, dv
''',
    },
    'ex_multi_head_attention': {
        'no causal mask': '''\
def multi_head_attention(x, c_attn, c_proj, n_head):
    """Causal multi-head self-attention of x (B, T, C): c_proj(heads of softmax(q k^T) v)."""
    B, T, C = x.shape
    hs = C // n_head
    q, k, v = c_attn(x).split(C, dim=2)  # each (B, T, C)
    future = course.tensor(np.triu(np.ones((T, T), bool), k=1))  # True where a key is later
    # the heads, the masked softmax, the heads merged back, c_proj
    q, k, v = (a.reshape(B, T, n_head, hs).transpose(1, 2) for a in (q, k, v))
    scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
    y = F.softmax(scores, dim=-1) @ v
    return c_proj(y.transpose(1, 2).reshape(B, T, C))
''',
        'the softmax over the wrong axis': '''\
def multi_head_attention(x, c_attn, c_proj, n_head):
    """Causal multi-head self-attention of x (B, T, C): c_proj(heads of softmax(q k^T) v)."""
    B, T, C = x.shape
    hs = C // n_head
    q, k, v = c_attn(x).split(C, dim=2)  # each (B, T, C)
    future = course.tensor(np.triu(np.ones((T, T), bool), k=1))  # True where a key is later
    # the heads, the masked softmax, the heads merged back, c_proj
    q, k, v = (a.reshape(B, T, n_head, hs).transpose(1, 2) for a in (q, k, v))
    scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
    y = F.softmax(scores.masked_fill(future, float("-inf")), dim=-2) @ v
    return c_proj(y.transpose(1, 2).reshape(B, T, C))
''',
        'unscaled scores': '''\
def multi_head_attention(x, c_attn, c_proj, n_head):
    """Causal multi-head self-attention of x (B, T, C): c_proj(heads of softmax(q k^T) v)."""
    B, T, C = x.shape
    hs = C // n_head
    q, k, v = c_attn(x).split(C, dim=2)  # each (B, T, C)
    future = course.tensor(np.triu(np.ones((T, T), bool), k=1))  # True where a key is later
    # the heads, the masked softmax, the heads merged back, c_proj
    q, k, v = (a.reshape(B, T, n_head, hs).transpose(1, 2) for a in (q, k, v))
    scores = q @ k.transpose(-2, -1)
    y = F.softmax(scores.masked_fill(future, float("-inf")), dim=-1) @ v
    return c_proj(y.transpose(1, 2).reshape(B, T, C))
''',
        'scaled by sqrt(C), not the head size': '''\
def multi_head_attention(x, c_attn, c_proj, n_head):
    """Causal multi-head self-attention of x (B, T, C): c_proj(heads of softmax(q k^T) v)."""
    B, T, C = x.shape
    hs = C // n_head
    q, k, v = c_attn(x).split(C, dim=2)  # each (B, T, C)
    future = course.tensor(np.triu(np.ones((T, T), bool), k=1))  # True where a key is later
    # the heads, the masked softmax, the heads merged back, c_proj
    q, k, v = (a.reshape(B, T, n_head, hs).transpose(1, 2) for a in (q, k, v))
    scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C))
    y = F.softmax(scores.masked_fill(future, float("-inf")), dim=-1) @ v
    return c_proj(y.transpose(1, 2).reshape(B, T, C))
''',
        'heads by a reshape to (B, n_head, T, hs) without a transpose': '''\
def multi_head_attention(x, c_attn, c_proj, n_head):
    """Causal multi-head self-attention of x (B, T, C): c_proj(heads of softmax(q k^T) v)."""
    B, T, C = x.shape
    hs = C // n_head
    q, k, v = c_attn(x).split(C, dim=2)  # each (B, T, C)
    future = course.tensor(np.triu(np.ones((T, T), bool), k=1))  # True where a key is later
    # the heads, the masked softmax, the heads merged back, c_proj
    q, k, v = (a.reshape(B, n_head, T, hs) for a in (q, k, v))
    scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
    y = F.softmax(scores.masked_fill(future, float("-inf")), dim=-1) @ v
    return c_proj(y.transpose(1, 2).reshape(B, T, C))
''',
        'heads merged without transposing back': '''\
def multi_head_attention(x, c_attn, c_proj, n_head):
    """Causal multi-head self-attention of x (B, T, C): c_proj(heads of softmax(q k^T) v)."""
    B, T, C = x.shape
    hs = C // n_head
    q, k, v = c_attn(x).split(C, dim=2)  # each (B, T, C)
    future = course.tensor(np.triu(np.ones((T, T), bool), k=1))  # True where a key is later
    # the heads, the masked softmax, the heads merged back, c_proj
    q, k, v = (a.reshape(B, T, n_head, hs).transpose(1, 2) for a in (q, k, v))
    scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
    y = F.softmax(scores.masked_fill(future, float("-inf")), dim=-1) @ v
    return c_proj(y.reshape(B, T, C))
''',
    },
    'ex_gpt_block': {
        'no residual connections': '''\
class Block(nn.Module):
    """x + attn(ln_1(x)), then x + mlp(ln_2(x))."""

    def __init__(self, n_embd, n_head):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = mlp(n_embd)

    def forward(self, x):
        x = self.attn(self.ln_1(x))
        return self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """Token + position embeddings, n_layer Blocks, a final LayerNorm, logits per character."""

    def __init__(self, vocab_size, block_size, n_embd=32, n_head=4, n_layer=2):
        super().__init__()
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.blocks = nn.ModuleList([Block(n_embd, n_head) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)

    def forward(self, idx):
        T = idx.shape[1]
        # x: token embeddings plus position embeddings, (B, T, n_embd)
        x = self.wte(idx) + self.wpe(course.arange(T))
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.ln_f(x))
''',
        'post-norm: LayerNorm after the residual add': '''\
class Block(nn.Module):
    """x + attn(ln_1(x)), then x + mlp(ln_2(x))."""

    def __init__(self, n_embd, n_head):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = mlp(n_embd)

    def forward(self, x):
        x = self.ln_1(x + self.attn(x))
        return self.ln_2(x + self.mlp(x))


class GPT(nn.Module):
    """Token + position embeddings, n_layer Blocks, a final LayerNorm, logits per character."""

    def __init__(self, vocab_size, block_size, n_embd=32, n_head=4, n_layer=2):
        super().__init__()
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.blocks = nn.ModuleList([Block(n_embd, n_head) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)

    def forward(self, idx):
        T = idx.shape[1]
        # x: token embeddings plus position embeddings, (B, T, n_embd)
        x = self.wte(idx) + self.wpe(course.arange(T))
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.ln_f(x))
''',
        'the residual adds the normalised x': '''\
class Block(nn.Module):
    """x + attn(ln_1(x)), then x + mlp(ln_2(x))."""

    def __init__(self, n_embd, n_head):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = mlp(n_embd)

    def forward(self, x):
        h = self.ln_1(x)
        x = h + self.attn(h)
        h = self.ln_2(x)
        return h + self.mlp(h)


class GPT(nn.Module):
    """Token + position embeddings, n_layer Blocks, a final LayerNorm, logits per character."""

    def __init__(self, vocab_size, block_size, n_embd=32, n_head=4, n_layer=2):
        super().__init__()
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.blocks = nn.ModuleList([Block(n_embd, n_head) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)

    def forward(self, idx):
        T = idx.shape[1]
        # x: token embeddings plus position embeddings, (B, T, n_embd)
        x = self.wte(idx) + self.wpe(course.arange(T))
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.ln_f(x))
''',
        'no positional embeddings': '''\
class Block(nn.Module):
    """x + attn(ln_1(x)), then x + mlp(ln_2(x))."""

    def __init__(self, n_embd, n_head):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = mlp(n_embd)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """Token + position embeddings, n_layer Blocks, a final LayerNorm, logits per character."""

    def __init__(self, vocab_size, block_size, n_embd=32, n_head=4, n_layer=2):
        super().__init__()
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.blocks = nn.ModuleList([Block(n_embd, n_head) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)

    def forward(self, idx):
        T = idx.shape[1]
        # x: token embeddings plus position embeddings, (B, T, n_embd)
        x = self.wte(idx)
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.ln_f(x))
''',
        'positions looked up by token id': '''\
class Block(nn.Module):
    """x + attn(ln_1(x)), then x + mlp(ln_2(x))."""

    def __init__(self, n_embd, n_head):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = mlp(n_embd)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """Token + position embeddings, n_layer Blocks, a final LayerNorm, logits per character."""

    def __init__(self, vocab_size, block_size, n_embd=32, n_head=4, n_layer=2):
        super().__init__()
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.blocks = nn.ModuleList([Block(n_embd, n_head) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)

    def forward(self, idx):
        T = idx.shape[1]
        # x: token embeddings plus position embeddings, (B, T, n_embd)
        x = self.wte(idx) + self.wpe(idx % self.wpe.weight.shape[0])
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.ln_f(x))
''',
        'only the attention branch has a residual': '''\
class Block(nn.Module):
    """x + attn(ln_1(x)), then x + mlp(ln_2(x))."""

    def __init__(self, n_embd, n_head):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = mlp(n_embd)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """Token + position embeddings, n_layer Blocks, a final LayerNorm, logits per character."""

    def __init__(self, vocab_size, block_size, n_embd=32, n_head=4, n_layer=2):
        super().__init__()
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.blocks = nn.ModuleList([Block(n_embd, n_head) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)

    def forward(self, idx):
        T = idx.shape[1]
        # x: token embeddings plus position embeddings, (B, T, n_embd)
        x = self.wte(idx) + self.wpe(course.arange(T))
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.ln_f(x))
''',
    },
    'ex_decay_groups': {
        'weight decay on everything, LayerNorm gains and biases too': '''\
def decay_groups(model, weight_decay):
    """AdamW parameter groups: matrices (ndim >= 2) decay, vectors (biases, LayerNorm) do not."""
    # decay and no_decay: lists of parameters, in model.named_parameters() order
    decay = list(model.parameters())
    no_decay = []
    return [{"params": decay, "weight_decay": weight_decay},
            {"params": no_decay, "weight_decay": 0.0}]
''',
        'decides by name: LayerNorm gains (named weight) decay': '''\
def decay_groups(model, weight_decay):
    """AdamW parameter groups: matrices (ndim >= 2) decay, vectors (biases, LayerNorm) do not."""
    # decay and no_decay: lists of parameters, in model.named_parameters() order
    decay = [p for n, p in model.named_parameters() if n.endswith("weight")]
    no_decay = [p for n, p in model.named_parameters() if not n.endswith("weight")]
    return [{"params": decay, "weight_decay": weight_decay},
            {"params": no_decay, "weight_decay": 0.0}]
''',
        "embeddings exempt from decay (not nanoGPT's convention)": '''\
def decay_groups(model, weight_decay):
    """AdamW parameter groups: matrices (ndim >= 2) decay, vectors (biases, LayerNorm) do not."""
    # decay and no_decay: lists of parameters, in model.named_parameters() order
    emb = ("wte", "wpe")
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and not n.startswith(emb)]
    no_decay = [p for n, p in model.named_parameters() if p.ndim < 2 or n.startswith(emb)]
    return [{"params": decay, "weight_decay": weight_decay},
            {"params": no_decay, "weight_decay": 0.0}]
''',
        'only LayerNorm exempt: biases decay': '''\
def decay_groups(model, weight_decay):
    """AdamW parameter groups: matrices (ndim >= 2) decay, vectors (biases, LayerNorm) do not."""
    # decay and no_decay: lists of parameters, in model.named_parameters() order
    decay = [p for n, p in model.named_parameters() if ".ln" not in "." + n]
    no_decay = [p for n, p in model.named_parameters() if ".ln" in "." + n]
    return [{"params": decay, "weight_decay": weight_decay},
            {"params": no_decay, "weight_decay": 0.0}]
''',
    },
    'ex_flash_attention': {
        'no bounds check on the key and value loads': '''\
@cuda.jit
def flash_attention_kernel(q, k, v, out):
    """Causal attention, one query row per thread, keys in shared tiles, by online softmax."""
    bh, t = cuda.blockIdx.y, cuda.threadIdx.x
    i = cuda.blockIdx.x * TILE + t
    n, d = q.shape[1], q.shape[2]
    scale = 1.0 / math.sqrt(d)
    sk = cuda.shared.array((TILE, HEAD_MAX), float32)
    sv = cuda.shared.array((TILE, HEAD_MAX), float32)
    qi = cuda.local.array(HEAD_MAX, float32)
    acc = cuda.local.array(HEAD_MAX, float32)
    for c in range(d):
        qi[c] = q[bh, i, c] * scale if i < n else 0.0
        acc[c] = 0.0
    m = -math.inf
    l = 0.0  # noqa: E741
    for j0 in range(0, min(n, (cuda.blockIdx.x + 1) * TILE), TILE):
        j = j0 + t
        for c in range(d):
            sk[t, c] = k[bh, j, c]
            sv[t, c] = v[bh, j, c]
        cuda.syncthreads()
        if i < n:
            for jj in range(min(TILE, i - j0 + 1)):
                s = 0.0
                for c in range(d):
                    s += qi[c] * sk[jj, c]
                m_new = max(m, s)
                correction = math.exp(m - m_new)
                p = math.exp(s - m_new)
                l = l * correction + p  # noqa: E741
                for c in range(d):
                    acc[c] = acc[c] * correction + p * sv[jj, c]
                m = m_new
        cuda.syncthreads()
    if i < n:
        for c in range(d):
            out[bh, i, c] = acc[c] / l
''',
        'no bounds check on the query read': '''\
@cuda.jit
def flash_attention_kernel(q, k, v, out):
    """Causal attention, one query row per thread, keys in shared tiles, by online softmax."""
    bh, t = cuda.blockIdx.y, cuda.threadIdx.x
    i = cuda.blockIdx.x * TILE + t
    n, d = q.shape[1], q.shape[2]
    scale = 1.0 / math.sqrt(d)
    sk = cuda.shared.array((TILE, HEAD_MAX), float32)
    sv = cuda.shared.array((TILE, HEAD_MAX), float32)
    qi = cuda.local.array(HEAD_MAX, float32)
    acc = cuda.local.array(HEAD_MAX, float32)
    for c in range(d):
        qi[c] = q[bh, i, c] * scale
        acc[c] = 0.0
    m = -math.inf
    l = 0.0  # noqa: E741
    for j0 in range(0, min(n, (cuda.blockIdx.x + 1) * TILE), TILE):
        j = j0 + t
        for c in range(d):
            sk[t, c] = k[bh, j, c] if j < n else 0.0
            sv[t, c] = v[bh, j, c] if j < n else 0.0
        cuda.syncthreads()
        if i < n:
            for jj in range(min(TILE, i - j0 + 1)):
                s = 0.0
                for c in range(d):
                    s += qi[c] * sk[jj, c]
                m_new = max(m, s)
                correction = math.exp(m - m_new)
                p = math.exp(s - m_new)
                l = l * correction + p  # noqa: E741
                for c in range(d):
                    acc[c] = acc[c] * correction + p * sv[jj, c]
                m = m_new
        cuda.syncthreads()
    if i < n:
        for c in range(d):
            out[bh, i, c] = acc[c] / l
''',
        "= for += in the score's dot product": '''\
@cuda.jit
def flash_attention_kernel(q, k, v, out):
    """Causal attention, one query row per thread, keys in shared tiles, by online softmax."""
    bh, t = cuda.blockIdx.y, cuda.threadIdx.x
    i = cuda.blockIdx.x * TILE + t
    n, d = q.shape[1], q.shape[2]
    scale = 1.0 / math.sqrt(d)
    sk = cuda.shared.array((TILE, HEAD_MAX), float32)
    sv = cuda.shared.array((TILE, HEAD_MAX), float32)
    qi = cuda.local.array(HEAD_MAX, float32)
    acc = cuda.local.array(HEAD_MAX, float32)
    for c in range(d):
        qi[c] = q[bh, i, c] * scale if i < n else 0.0
        acc[c] = 0.0
    m = -math.inf
    l = 0.0  # noqa: E741
    for j0 in range(0, min(n, (cuda.blockIdx.x + 1) * TILE), TILE):
        j = j0 + t
        for c in range(d):
            sk[t, c] = k[bh, j, c] if j < n else 0.0
            sv[t, c] = v[bh, j, c] if j < n else 0.0
        cuda.syncthreads()
        if i < n:
            for jj in range(min(TILE, i - j0 + 1)):
                s = 0.0
                for c in range(d):
                    s = qi[c] * sk[jj, c]
                m_new = max(m, s)
                correction = math.exp(m - m_new)
                p = math.exp(s - m_new)
                l = l * correction + p  # noqa: E741
                for c in range(d):
                    acc[c] = acc[c] * correction + p * sv[jj, c]
                m = m_new
        cuda.syncthreads()
    if i < n:
        for c in range(d):
            out[bh, i, c] = acc[c] / l
''',
        'the running sums are not rescaled when the max grows': '''\
@cuda.jit
def flash_attention_kernel(q, k, v, out):
    """Causal attention, one query row per thread, keys in shared tiles, by online softmax."""
    bh, t = cuda.blockIdx.y, cuda.threadIdx.x
    i = cuda.blockIdx.x * TILE + t
    n, d = q.shape[1], q.shape[2]
    scale = 1.0 / math.sqrt(d)
    sk = cuda.shared.array((TILE, HEAD_MAX), float32)
    sv = cuda.shared.array((TILE, HEAD_MAX), float32)
    qi = cuda.local.array(HEAD_MAX, float32)
    acc = cuda.local.array(HEAD_MAX, float32)
    for c in range(d):
        qi[c] = q[bh, i, c] * scale if i < n else 0.0
        acc[c] = 0.0
    m = -math.inf
    l = 0.0  # noqa: E741
    for j0 in range(0, min(n, (cuda.blockIdx.x + 1) * TILE), TILE):
        j = j0 + t
        for c in range(d):
            sk[t, c] = k[bh, j, c] if j < n else 0.0
            sv[t, c] = v[bh, j, c] if j < n else 0.0
        cuda.syncthreads()
        if i < n:
            for jj in range(min(TILE, i - j0 + 1)):
                s = 0.0
                for c in range(d):
                    s += qi[c] * sk[jj, c]
                m_new = max(m, s)
                correction = math.exp(m - m_new)
                p = math.exp(s - m_new)
                l = l + p  # noqa: E741
                for c in range(d):
                    acc[c] = acc[c] + p * sv[jj, c]
                m = m_new
        cuda.syncthreads()
    if i < n:
        for c in range(d):
            out[bh, i, c] = acc[c] / l
''',
        'no causal mask: every key of every tile': '''\
@cuda.jit
def flash_attention_kernel(q, k, v, out):
    """Causal attention, one query row per thread, keys in shared tiles, by online softmax."""
    bh, t = cuda.blockIdx.y, cuda.threadIdx.x
    i = cuda.blockIdx.x * TILE + t
    n, d = q.shape[1], q.shape[2]
    scale = 1.0 / math.sqrt(d)
    sk = cuda.shared.array((TILE, HEAD_MAX), float32)
    sv = cuda.shared.array((TILE, HEAD_MAX), float32)
    qi = cuda.local.array(HEAD_MAX, float32)
    acc = cuda.local.array(HEAD_MAX, float32)
    for c in range(d):
        qi[c] = q[bh, i, c] * scale if i < n else 0.0
        acc[c] = 0.0
    m = -math.inf
    l = 0.0  # noqa: E741
    for j0 in range(0, n, TILE):
        j = j0 + t
        for c in range(d):
            sk[t, c] = k[bh, j, c] if j < n else 0.0
            sv[t, c] = v[bh, j, c] if j < n else 0.0
        cuda.syncthreads()
        if i < n:
            for jj in range(min(TILE, n - j0)):
                s = 0.0
                for c in range(d):
                    s += qi[c] * sk[jj, c]
                m_new = max(m, s)
                correction = math.exp(m - m_new)
                p = math.exp(s - m_new)
                l = l * correction + p  # noqa: E741
                for c in range(d):
                    acc[c] = acc[c] * correction + p * sv[jj, c]
                m = m_new
        cuda.syncthreads()
    if i < n:
        for c in range(d):
            out[bh, i, c] = acc[c] / l
''',
        'unscaled scores': '''\
@cuda.jit
def flash_attention_kernel(q, k, v, out):
    """Causal attention, one query row per thread, keys in shared tiles, by online softmax."""
    bh, t = cuda.blockIdx.y, cuda.threadIdx.x
    i = cuda.blockIdx.x * TILE + t
    n, d = q.shape[1], q.shape[2]
    scale = 1.0
    sk = cuda.shared.array((TILE, HEAD_MAX), float32)
    sv = cuda.shared.array((TILE, HEAD_MAX), float32)
    qi = cuda.local.array(HEAD_MAX, float32)
    acc = cuda.local.array(HEAD_MAX, float32)
    for c in range(d):
        qi[c] = q[bh, i, c] * scale if i < n else 0.0
        acc[c] = 0.0
    m = -math.inf
    l = 0.0  # noqa: E741
    for j0 in range(0, min(n, (cuda.blockIdx.x + 1) * TILE), TILE):
        j = j0 + t
        for c in range(d):
            sk[t, c] = k[bh, j, c] if j < n else 0.0
            sv[t, c] = v[bh, j, c] if j < n else 0.0
        cuda.syncthreads()
        if i < n:
            for jj in range(min(TILE, i - j0 + 1)):
                s = 0.0
                for c in range(d):
                    s += qi[c] * sk[jj, c]
                m_new = max(m, s)
                correction = math.exp(m - m_new)
                p = math.exp(s - m_new)
                l = l * correction + p  # noqa: E741
                for c in range(d):
                    acc[c] = acc[c] * correction + p * sv[jj, c]
                m = m_new
        cuda.syncthreads()
    if i < n:
        for c in range(d):
            out[bh, i, c] = acc[c] / l
''',
    },
}

HIDDEN_ONLY: dict[tuple[str, str], str] = {}
