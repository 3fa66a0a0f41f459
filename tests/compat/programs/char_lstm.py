"""A character language model: Embedding -> LSTM -> Linear, next-character cross-entropy."""

import numpy as np

TEXT = "the cat sat on the mat. the dog sat on the log. "


def program(torch, nn, F, optim, data, start):
    chars = sorted(set(TEXT))
    stoi = {ch: i for i, ch in enumerate(chars)}
    encoded = np.array([stoi[ch] for ch in TEXT * 2], dtype=np.int64)
    seq_len, batch = 12, 4
    starts = np.arange(batch) * seq_len
    xs = torch.tensor(np.stack([encoded[s : s + seq_len] for s in starts]))
    ys = torch.tensor(np.stack([encoded[s + 1 : s + seq_len + 1] for s in starts]))

    class CharLM(nn.Module):
        def __init__(self, vocab, emb, hidden):
            super().__init__()
            self.embed = nn.Embedding(vocab, emb)
            self.lstm = nn.LSTM(emb, hidden, num_layers=1, batch_first=True)
            self.fc = nn.Linear(hidden, vocab)

        def forward(self, x, state=None):
            out, state = self.lstm(self.embed(x), state)
            return self.fc(out), state

    vocab = len(chars)
    model = start(CharLM(vocab, 8, 16))
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for _ in range(25):
        logits, (h, c) = model(xs)
        assert tuple(h.shape) == (1, batch, 16)
        loss = F.cross_entropy(logits.reshape(-1, vocab), ys.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        losses.append(loss.item())

    # Greedy sampling, one character at a time, carrying the LSTM state.
    with torch.no_grad():
        x = torch.tensor([[stoi["t"]]])
        state = None
        picks = []
        for _ in range(8):
            logits, state = model(x, state)
            x = logits[:, -1].argmax(dim=-1, keepdim=True)
            picks.append(int(x.item()))
    losses.append(float(sum(picks)))
    return losses
