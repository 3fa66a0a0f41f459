"""A word-level language model: Embedding -> 2-layer nn.GRU(batch_first=True) -> Linear, then
a many-to-one head on the final hidden state h_n[-1]; greedy sampling carries h."""

import numpy as np

TEXT = "the cat sat on the mat and the dog sat on the log and the cat saw the dog".split()


def program(torch, nn, F, optim, data, start):
    words = sorted(set(TEXT))
    stoi = {w: i for i, w in enumerate(words)}
    encoded = np.array([stoi[w] for w in TEXT * 2], dtype=np.int64)
    seq_len, batch = 6, 4
    starts = np.arange(batch) * seq_len
    xs = torch.tensor(np.stack([encoded[s : s + seq_len] for s in starts]))
    ys = torch.tensor(np.stack([encoded[s + 1 : s + seq_len + 1] for s in starts]))
    lengths = torch.tensor(np.full(batch, seq_len, dtype=np.float32))

    class WordLM(nn.Module):
        def __init__(self, vocab, emb, hidden):
            super().__init__()
            self.embed = nn.Embedding(vocab, emb)
            self.rnn = nn.GRU(emb, hidden, num_layers=2, batch_first=True)
            self.fc = nn.Linear(hidden, vocab)
            self.length = nn.Linear(hidden, 1)

        def forward(self, x, h=None):
            out, h = self.rnn(self.embed(x), h)
            return self.fc(out), h

    vocab = len(words)
    model = start(WordLM(vocab, 8, 16))
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for _ in range(20):
        logits, h = model(xs)
        assert tuple(h.shape) == (2, batch, 16)
        loss = F.cross_entropy(logits.reshape(-1, vocab), ys.reshape(-1))
        loss = loss + 0.01 * F.mse_loss(model.length(h[-1]).squeeze(-1), lengths)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        losses.append(loss.item())

    # Greedy sampling, one word at a time, carrying the GRU state.
    with torch.no_grad():
        x = torch.tensor([[stoi["the"]]])
        h = None
        picks = []
        for _ in range(8):
            logits, h = model(x, h)
            x = logits[:, -1].argmax(dim=-1, keepdim=True)
            picks.append(int(x.item()))
    losses.append(float(sum(picks)))
    return losses
