"""A tiny decoder-only transformer: MultiheadAttention with a causal mask, LayerNorm, GELU MLP."""

import numpy as np


def program(torch, nn, F, optim, data, start):
    class Block(nn.Module):
        def __init__(self, d, heads):
            super().__init__()
            self.ln1 = nn.LayerNorm(d)
            self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
            self.ln2 = nn.LayerNorm(d)
            self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

        def forward(self, x, mask):
            h = self.ln1(x)
            a, _ = self.attn(h, h, h, attn_mask=mask, need_weights=False)
            x = x + a
            return x + self.mlp(self.ln2(x))

    class TinyGPT(nn.Module):
        def __init__(self, vocab, d, heads, layers, ctx):
            super().__init__()
            self.tok = nn.Embedding(vocab, d)
            self.pos = nn.Parameter(torch.zeros(1, ctx, d))
            self.blocks = nn.ModuleList([Block(d, heads) for _ in range(layers)])
            self.ln_f = nn.LayerNorm(d)
            self.head = nn.Linear(d, vocab, bias=False)

        def forward(self, idx):
            t = idx.shape[1]
            causal = torch.tril(torch.ones(t, t)) == 0  # True where attention is not allowed
            x = self.tok(idx) + self.pos[:, :t]
            for block in self.blocks:
                x = block(x, causal)
            return self.head(self.ln_f(x))

    rng = np.random.default_rng(3)
    vocab, ctx = 11, 8
    seq = rng.integers(0, vocab, size=(6, ctx + 1))
    seq[:, 1:] = (seq[:, :-1] + 1) % vocab  # next token = this token + 1
    x = torch.tensor(seq[:, :-1])
    y = torch.tensor(seq[:, 1:])

    model = start(TinyGPT(vocab, 16, 2, 2, ctx))
    optimizer = optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    losses = []
    for _ in range(20):
        logits = model(x)
        loss = F.cross_entropy(logits.view(-1, vocab), y.view(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
