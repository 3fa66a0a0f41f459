"""The same model trained in turn with AdamW, RMSprop and Adagrad (and SGD with nesterov)."""

from compat.programs._common import regression


def program(torch, nn, F, optim, data, start):
    x, y = (torch.tensor(a) for a in regression(seed=8))
    losses = []
    makers = [
        lambda p: optim.AdamW(p, lr=0.05, betas=(0.9, 0.99), weight_decay=0.1),
        lambda p: optim.RMSprop(p, lr=0.01, alpha=0.9, momentum=0.5),
        lambda p: optim.Adagrad(p, lr=0.2),
        lambda p: optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
    ]
    for make in makers:
        model = start(nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 1)))
        optimizer = make(model.parameters())
        for _ in range(10):
            optimizer.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses
