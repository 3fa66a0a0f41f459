"""Layers built in float64 the usual ways: factory dtype=, .double(), .to(dtype)."""

from compat.programs._common import regression


def program(torch, nn, F, optim, data, start):
    x, y = (torch.tensor(a, dtype=torch.float64) for a in regression(seed=13))
    first = nn.Linear(5, 8, dtype=torch.float64)  # torch's factory keyword
    model = start(nn.Sequential(first, nn.Tanh(), nn.Linear(8, 1)).double())
    model = model.to(torch.float64)  # dtype as the only positional argument
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    losses = []
    for _ in range(10):
        optimizer.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
