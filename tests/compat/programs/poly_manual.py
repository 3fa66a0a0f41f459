"""The first tutorial loop: fit a cubic to sin(x) with raw tensors and hand-written updates."""

import math

import numpy as np


def program(torch, nn, F, optim, data, start):
    rng = np.random.default_rng(0)
    x = torch.tensor(np.linspace(-math.pi, math.pi, 200, dtype=np.float32))
    y = torch.sin(x)

    a, b, c, d = (
        torch.tensor(float(v), requires_grad=True)
        for v in rng.standard_normal(4).astype(np.float32)
    )
    learning_rate = 1e-6
    losses = []
    for _ in range(40):
        y_pred = a + b * x + c * x**2 + d * x**3
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad.zero_()
            b.grad.zero_()
            c.grad.zero_()
            d.grad.zero_()
    return losses
