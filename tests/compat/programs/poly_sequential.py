"""The same cubic fit with nn.Sequential, MSELoss(reduction="sum") and SGD."""

import math

import numpy as np


def program(torch, nn, F, optim, data, start):
    x = torch.tensor(np.linspace(-math.pi, math.pi, 200, dtype=np.float32))
    y = torch.sin(x)
    p = torch.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)  # (200, 3): x, x^2, x^3

    model = start(nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1)))
    loss_fn = nn.MSELoss(reduction="sum")
    optimizer = optim.SGD(model.parameters(), lr=1e-6)
    losses = []
    for _ in range(40):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    linear = model[0]
    assert tuple(linear.weight.shape) == (1, 3)
    return losses
