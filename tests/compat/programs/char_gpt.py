"""The capstone: a character-level GPT as a PyTorch user writes one (nanoGPT's shape).

Token and position embeddings, pre-LayerNorm blocks with causal multi-head attention
(F.scaled_dot_product_attention(is_causal=True)) and a GELU MLP, weight tying, weights
initialised with Module.apply, AdamW with two param groups (decay on matrices only), a warmup +
cosine schedule, gradient clipping, and sampling under @torch.no_grad() with
torch.multinomial. The sampling temperature is low enough that both libraries draw the
same characters although their random streams differ.
"""

import math

import numpy as np

TEXT = (
    "def add(a, b):\n    return a + b\n\n"
    "def sub(a, b):\n    return a - b\n\n"
    "def mul(a, b):\n    return a * b\n\n"
)


def program(torch, nn, F, optim, data, start):
    class CausalSelfAttention(nn.Module):
        def __init__(self, n_embd, n_head):
            super().__init__()
            assert n_embd % n_head == 0
            self.c_attn = nn.Linear(n_embd, 3 * n_embd)
            self.c_proj = nn.Linear(n_embd, n_embd)
            self.n_head, self.n_embd = n_head, n_embd

        def forward(self, x):
            B, T, C = x.size()  # noqa: N806 - nanoGPT's names
            q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
            q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
            k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
            v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            y = y.transpose(1, 2).contiguous().view(B, T, C)
            return self.c_proj(y)

    class MLP(nn.Module):
        def __init__(self, n_embd):
            super().__init__()
            self.c_fc = nn.Linear(n_embd, 4 * n_embd)
            self.gelu = nn.GELU()
            self.c_proj = nn.Linear(4 * n_embd, n_embd)

        def forward(self, x):
            return self.c_proj(self.gelu(self.c_fc(x)))

    class Block(nn.Module):
        def __init__(self, n_embd, n_head):
            super().__init__()
            self.ln_1 = nn.LayerNorm(n_embd)
            self.attn = CausalSelfAttention(n_embd, n_head)
            self.ln_2 = nn.LayerNorm(n_embd)
            self.mlp = MLP(n_embd)

        def forward(self, x):
            x = x + self.attn(self.ln_1(x))
            return x + self.mlp(self.ln_2(x))

    class GPT(nn.Module):
        def __init__(self, vocab_size, block_size, n_layer, n_head, n_embd):
            super().__init__()
            self.block_size = block_size
            self.wte = nn.Embedding(vocab_size, n_embd)
            self.wpe = nn.Embedding(block_size, n_embd)
            self.h = nn.ModuleList([Block(n_embd, n_head) for _ in range(n_layer)])
            self.ln_f = nn.LayerNorm(n_embd)
            self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
            self.wte.weight = self.lm_head.weight  # weight tying
            self.apply(self._init_weights)

        def _init_weights(self, module):
            if isinstance(module, nn.Linear):
                torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
                if module.bias is not None:
                    torch.nn.init.zeros_(module.bias)
            elif isinstance(module, nn.Embedding):
                torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

        def forward(self, idx, targets=None):
            b, t = idx.size()
            assert t <= self.block_size, f"sequence of {t} > block size {self.block_size}"
            pos = torch.arange(0, t, dtype=torch.long, device=idx.device)
            x = self.wte(idx) + self.wpe(pos)
            for block in self.h:
                x = block(x)
            logits = self.lm_head(self.ln_f(x))
            if targets is None:
                return logits, None
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))
            return logits, loss

        def configure_optimizers(self, weight_decay, learning_rate, betas):
            params = {name: p for name, p in self.named_parameters() if p.requires_grad}
            decay = [p for p in params.values() if p.dim() >= 2]
            no_decay = [p for p in params.values() if p.dim() < 2]
            groups = [
                {"params": decay, "weight_decay": weight_decay},
                {"params": no_decay, "weight_decay": 0.0},
            ]
            return optim.AdamW(groups, lr=learning_rate, betas=betas)

        @torch.no_grad()
        def generate(self, idx, max_new_tokens, temperature=1.0):
            for _ in range(max_new_tokens):
                idx_cond = idx if idx.size(1) <= self.block_size else idx[:, -self.block_size :]
                logits, _ = self(idx_cond)
                probs = F.softmax(logits[:, -1, :] / temperature, dim=-1)
                idx_next = torch.multinomial(probs, num_samples=1)
                idx = torch.cat((idx, idx_next), dim=1)
            return idx

    chars = sorted(set(TEXT))
    stoi = {ch: i for i, ch in enumerate(chars)}
    ids = np.array([stoi[ch] for ch in TEXT], dtype=np.int64)
    block_size, batch_size, max_iters, warmup = 16, 8, 30, 5
    rng = np.random.default_rng(0)  # the same batches on both libraries

    def get_batch():
        ix = rng.integers(0, len(ids) - block_size - 1, size=batch_size)
        x = torch.from_numpy(np.stack([ids[i : i + block_size] for i in ix]))
        y = torch.from_numpy(np.stack([ids[i + 1 : i + 1 + block_size] for i in ix]))
        return x, y

    def lr_lambda(step):  # linear warmup, then cosine decay to 10 %
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / (max_iters - warmup)
        return 0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * progress))

    model = start(GPT(len(chars), block_size, n_layer=2, n_head=4, n_embd=32))
    assert model.lm_head.weight is model.wte.weight
    n_params = sum(p.numel() for p in model.parameters())
    assert n_params == len(chars) * 32 + sum(
        p.numel() for name, p in model.named_parameters() if not name.startswith("wte")
    ), "a tied weight is counted once"
    optimizer = model.configure_optimizers(weight_decay=0.1, learning_rate=1e-2, betas=(0.9, 0.95))
    scheduler = optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)
    model.train()
    losses = []
    for _ in range(max_iters):
        xb, yb = get_batch()
        _, loss = model(xb, yb)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
    losses.append(float(norm))
    losses.append(scheduler.get_last_lr()[0])

    model.eval()
    prompt = torch.tensor([[stoi[c] for c in "def "]], dtype=torch.long)
    out = model.generate(prompt, max_new_tokens=12, temperature=1e-3)
    assert tuple(out.shape) == (1, 4 + 12)
    text = "".join(chars[int(i)] for i in out[0].tolist())
    assert text.startswith("def ")
    losses.append(float(sum(text.encode())))  # the same characters on both libraries
    return losses
