"""Causal attention by hand (tril + masked_fill) and by F.scaled_dot_product_attention."""

import math

import numpy as np


def program(torch, nn, F, optim, data, start):
    class CausalSelfAttention(nn.Module):
        def __init__(self, d, heads):
            super().__init__()
            self.heads = heads
            self.qkv = nn.Linear(d, 3 * d)
            self.proj = nn.Linear(d, d)

        def forward(self, x, by_hand):
            b, t, d = x.shape
            q, k, v = self.qkv(x).split(d, dim=2)
            q = q.view(b, t, self.heads, d // self.heads).transpose(1, 2)
            k = k.view(b, t, self.heads, d // self.heads).transpose(1, 2)
            v = v.view(b, t, self.heads, d // self.heads).transpose(1, 2)
            if by_hand:
                att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
                mask = torch.tril(torch.ones(t, t)).view(1, 1, t, t)
                att = att.masked_fill(mask == 0, float("-inf"))
                y = F.softmax(att, dim=-1) @ v
            else:
                y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            y = y.transpose(1, 2).contiguous().view(b, t, d)
            return self.proj(y)

    class Model(nn.Module):
        def __init__(self, d):
            super().__init__()
            self.attn = CausalSelfAttention(d, 2)
            self.norm = nn.LayerNorm(d)
            self.act = nn.GELU()
            self.out = nn.Linear(d, 1)

        def forward(self, x, by_hand):
            x = x + self.attn(self.norm(x), by_hand)
            return self.out(self.act(x)).squeeze(-1)

    rng = np.random.default_rng(4)
    x = torch.tensor(rng.standard_normal((4, 6, 8)).astype(np.float32))
    y = torch.tensor(np.cumsum(x.numpy()[..., 0], axis=1).astype(np.float32))  # causal target

    model = start(Model(8))
    optimizer = optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for step in range(20):
        loss = F.mse_loss(model(x, by_hand=step % 2 == 0), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
