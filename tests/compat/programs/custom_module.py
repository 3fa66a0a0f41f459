"""A custom nn.Module: parameters declared as nn.Parameter, submodules, a forward with a loop."""

import numpy as np


def program(torch, nn, F, optim, data, start):
    class Net(nn.Module):
        def __init__(self, n_in, hidden, depth):
            super().__init__()
            self.scale = nn.Parameter(torch.ones(n_in))
            self.inp = nn.Linear(n_in, hidden)
            self.hidden = nn.ModuleList([nn.Linear(hidden, hidden) for _ in range(depth)])
            self.out = nn.Linear(hidden, 1)

        def forward(self, x):
            h = torch.tanh(self.inp(x * self.scale))
            for layer in self.hidden:
                h = h + F.relu(layer(h))  # residual
            return self.out(h).squeeze(-1)

    rng = np.random.default_rng(1)
    x = torch.tensor(rng.standard_normal((64, 4)).astype(np.float32))
    y = torch.tensor((np.sin(x.numpy()).sum(axis=1)).astype(np.float32))

    model = start(Net(4, 16, 2))
    assert len(list(model.parameters())) == 1 + 2 + 2 * 2 + 2
    optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    losses = []
    for _ in range(30):
        optimizer.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
