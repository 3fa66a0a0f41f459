"""The device and dtype lines every script starts with; float64 training via .to(device, dtype)."""

import numpy as np

from compat.programs._common import regression


def program(torch, nn, F, optim, data, start):
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    x_np, y_np = regression(seed=12)
    x = torch.tensor(x_np, dtype=torch.float64).to(device)
    y = torch.from_numpy(y_np.astype(np.float64)).to(device)
    assert x.dtype == torch.float64 and y.dtype == torch.float64

    model = start(nn.Linear(5, 1).to(device, torch.float64))
    assert next(model.parameters()).dtype == torch.float64
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    losses = []
    for _ in range(20):
        optimizer.zero_grad()
        pred = model(x)
        loss = ((pred - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    # Back to float32 for a final evaluation on the same device.
    with torch.no_grad():
        losses.append(F.mse_loss(model(x).float(), y.float()).item())
    assert x.float().dtype == torch.float32 and x.long().dtype == torch.int64
    return losses
