"""The reference workloads of `course bench`: our framework and a torch twin, same weights.

Each builder returns a `Pair`: one training step of ours and of torch, each returning
its loss. Before any timing the runner checks that the first step of both gives the same
loss, so we never time two different computations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import course
from course import backend, nn, optim
from course import functional as F

LR = 0.01


@dataclass
class Pair:
    """One step of ours and of torch on the same data and weights."""

    ours: Callable[[], object]
    torch: Callable[[], object]
    description: str
    rtol: float = 1e-4


def _torch_device(device: str) -> str:
    return "cuda" if device == "cuda" else "cpu"


def _data(shape_x, num_classes: int, n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal(shape_x, dtype=np.float32)
    y = rng.integers(0, num_classes, size=n)
    return X, y


def _train_pair(
    ours_model, torch_model, ours_forward, torch_forward, X, y, device, optimizer="SGD"
):
    """Steps (zero_grad, forward, cross-entropy, backward, step) of ``optimizer`` for both
    twins: SGD at lr 0.01, or AdamW at lr 0.001 (weight decay 0.01, both libraries' default)."""
    import torch

    ours_model.load_state_dict(torch_model.state_dict())
    ours_model.to(device)
    torch_model.to(_torch_device(device))
    Xo = course.tensor(X, device=device)
    yo = course.tensor(y, device=device)
    Xt = torch.tensor(X, device=_torch_device(device))
    yt = torch.tensor(y, device=_torch_device(device))
    lr = LR if optimizer == "SGD" else 1e-3
    ours_opt = getattr(optim, optimizer)(ours_model.parameters(), lr=lr)
    torch_opt = getattr(torch.optim, optimizer)(torch_model.parameters(), lr=lr)

    def ours_step():
        ours_opt.zero_grad()
        loss = F.cross_entropy(ours_forward(Xo), yo)
        loss.backward()
        ours_opt.step()
        return loss

    def torch_step():
        torch_opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(torch_forward(Xt), yt)
        loss.backward()
        torch_opt.step()
        return loss

    return ours_step, torch_step


def mlp(device: str = "cpu", scale: int = 1) -> Pair:
    """SGD step, MLP 784-256-256-10, ReLU, softmax cross-entropy, batch 128."""
    import torch

    batch = 128 * scale
    X, y = _data((batch, 784), 10, batch)
    torch.manual_seed(0)
    tm = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 10),
    )  # fmt: skip
    om = nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)
    )
    ours, theirs = _train_pair(om, tm, om, tm, X, y, device)
    return Pair(ours, theirs, f"SGD step, MLP 784-256-256-10, batch {batch}")


def cnn(device: str = "cpu", scale: int = 1) -> Pair:
    """SGD step, conv3x3 1->16 -> ReLU -> pool2 -> conv3x3 16->32 -> ReLU -> pool2 -> linear."""
    import torch

    batch = 64 * scale
    X, y = _data((batch, 1, 28, 28), 10, batch)
    torch.manual_seed(0)
    tm = torch.nn.Sequential(
        torch.nn.Conv2d(1, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(1568, 10),
    )  # fmt: skip
    om = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1568, 10),
    )  # fmt: skip
    ours, theirs = _train_pair(om, tm, om, tm, X, y, device)
    return Pair(ours, theirs, f"SGD step, CNN 2x(conv3x3+ReLU+maxpool2)+linear, batch {batch}")


class _TorchLSTMClassifier:
    def __init__(self):
        import torch

        self.lstm = torch.nn.LSTM(64, 128)
        self.head = torch.nn.Linear(128, 10)
        self.modules = torch.nn.ModuleDict({"lstm": self.lstm, "head": self.head})

    def __call__(self, X):
        out, _ = self.lstm(X)
        return self.head(out[-1])


class _LSTMClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(64, 128)
        self.head = nn.Linear(128, 10)

    def forward(self, X):
        out, _ = self.lstm(X)
        return self.head(out[-1])


def lstm(device: str = "cpu", scale: int = 1) -> Pair:
    """SGD step, LSTM seq 32, batch 32, input 64, hidden 128, CE on linear(last hidden)."""
    import torch

    batch = 32 * scale
    X, y = _data((32, batch, 64), 10, batch)
    torch.manual_seed(0)
    tm = _TorchLSTMClassifier()
    om = _LSTMClassifier()
    ours, theirs = _train_pair(om, tm.modules, om, tm, X, y, device)
    return Pair(ours, theirs, f"SGD step, LSTM seq 32 x batch {batch}, 64->128, full BPTT", 1e-3)


def gpt_model(lib, F, vocab: int, ctx: int, d: int, heads: int, layers: int):  # noqa: N803
    """A small character-level GPT, written once, built from ``lib`` (course or torch) and
    its functional module ``F``: token and position embeddings, pre-LayerNorm blocks (causal
    multi-head attention, GELU MLP), a final LayerNorm and an untied head. It maps ids (B, T)
    to logits (B * T, vocab)."""
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
            self.qkv = nn.Linear(d, 3 * d)
            self.proj = nn.Linear(d, d)
            self.fc, self.out = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

        def forward(self, x):
            b, t, _ = x.shape
            qkv = self.qkv(self.ln1(x)).reshape(b, t, 3, heads, d // heads).permute(2, 0, 3, 1, 4)
            a = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], is_causal=True)
            x = x + self.proj(a.transpose(1, 2).reshape(b, t, d))
            return x + self.out(F.gelu(self.fc(self.ln2(x))))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok, self.pos = nn.Embedding(vocab, d), nn.Embedding(ctx, d)
            self.blocks = nn.ModuleList([Block() for _ in range(layers)])
            self.ln_f, self.head = nn.LayerNorm(d), nn.Linear(d, vocab)

        def forward(self, idx):
            x = self.tok(idx) + self.pos(lib.arange(idx.shape[1], device=idx.device))
            for block in self.blocks:
                x = block(x)
            return self.head(self.ln_f(x)).reshape(-1, vocab)

    return GPT()


def gpt(device: str = "cpu", scale: int = 1) -> Pair:
    """AdamW step of a char-level GPT: 2 pre-LN blocks, d 64, 4 heads, context 64, batch 16."""
    import torch

    vocab, ctx, d, heads, layers = 65, 64, 64, 4, 2
    batch = 16 * scale
    rng = np.random.default_rng(0)
    X = rng.integers(0, vocab, size=(batch, ctx))
    y = rng.integers(0, vocab, size=batch * ctx)
    torch.manual_seed(0)
    tm = gpt_model(torch, torch.nn.functional, vocab, ctx, d, heads, layers)
    om = gpt_model(course, F, vocab, ctx, d, heads, layers)
    ours, theirs = _train_pair(om, tm, om, tm, X, y, device, optimizer="AdamW")
    description = (
        f"AdamW step, char GPT, batch {batch} x context {ctx}, {layers} pre-LN blocks, "
        f"d {d}, {heads} heads"
    )
    return Pair(ours, theirs, description, 1e-3)


def tiny(device: str = "cpu", scale: int = 1) -> Pair:
    """Forward + backward of (a*b + c).sum() on 1-element tensors: pure framework overhead."""
    import torch

    values = np.random.default_rng(0).random((3, 1), dtype=np.float32)
    a, b, c = (course.tensor(v, device=device, requires_grad=True) for v in values)
    ta, tb, tc = (torch.tensor(v, device=_torch_device(device), requires_grad=True) for v in values)

    def ours():
        loss = (a * b + c).sum()
        loss.backward()
        return loss

    def theirs():
        loss = (ta * tb + tc).sum()
        loss.backward()
        return loss

    return Pair(ours, theirs, "forward + backward of (a*b + c).sum(), 1-element tensors")


def matmul(device: str = "cpu", n: int = 1024) -> Pair:
    """N x N float32 matrix product (forward only)."""
    import torch

    rng = np.random.default_rng(0)
    A = rng.standard_normal((n, n), dtype=np.float32)
    B = rng.standard_normal((n, n), dtype=np.float32)
    a, b = course.tensor(A, device=device), course.tensor(B, device=device)
    ta = torch.tensor(A, device=_torch_device(device))
    tb = torch.tensor(B, device=_torch_device(device))
    return Pair(lambda: a @ b, lambda: ta @ tb, f"{n}x{n} float32 matmul", 1e-3)


def raw_matmul(device: str, n: int) -> Callable[[], object]:
    """The array library's own matmul (NumPy or CuPy), our framework's floor."""
    xp = backend.xp_for(device)
    rng = np.random.default_rng(0)
    A = backend.to_device(rng.standard_normal((n, n), dtype=np.float32), device)
    B = backend.to_device(rng.standard_normal((n, n), dtype=np.float32), device)
    return lambda: xp.matmul(A, B)


TRAINING = {"mlp": mlp, "cnn": cnn, "lstm": lstm, "gpt": gpt, "tiny": tiny}
MATMUL_SIZES = (256, 512, 1024, 2048)
