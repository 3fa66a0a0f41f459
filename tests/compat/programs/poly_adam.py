"""The cubic fit with Adam and model.zero_grad(), reading the result back with .item()."""

import math

import numpy as np


def program(torch, nn, F, optim, data, start):
    x = torch.tensor(np.linspace(-math.pi, math.pi, 200, dtype=np.float32))
    y = torch.sin(x)
    xx = torch.stack([x, x**2, x**3], dim=1)

    model = start(nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1)))
    loss_fn = nn.MSELoss(reduction="mean")
    optimizer = optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(60):
        loss = loss_fn(model(xx), y)
        losses.append(loss.item())
        model.zero_grad()
        loss.backward()
        optimizer.step()
    return losses
