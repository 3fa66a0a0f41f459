"""A streaming IterableDataset fed to a DataLoader."""

import numpy as np


def program(torch, nn, F, optim, data, start):
    class Stream(data.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            rng = np.random.default_rng(18)
            for _ in range(self.n):
                x = rng.standard_normal(4).astype(np.float32)
                yield torch.tensor(x), torch.tensor(x.sum(keepdims=True))

    model = start(nn.Linear(4, 1))
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    losses = []
    for xb, yb in data.DataLoader(Stream(40), batch_size=8):
        optimizer.zero_grad()
        loss = F.mse_loss(model(xb), yb)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
