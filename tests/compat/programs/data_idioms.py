"""Old-style parameter updates: p.data.add_(...), in-place ops under no_grad, grad = None."""

from compat.programs._common import regression


def program(torch, nn, F, optim, data, start):
    x, y = (torch.tensor(a) for a in regression(seed=11))
    model = start(nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 1)))
    lr, decay = 0.05, 1e-3
    losses = []
    for step in range(30):
        loss = F.mse_loss(model(x), y)
        model.zero_grad()
        loss.backward()
        if step % 3 == 0:
            for p in model.parameters():
                p.data.add_(p.grad.data, alpha=-lr)  # the pre-0.4 idiom
        elif step % 3 == 1:
            with torch.no_grad():
                for p in model.parameters():
                    p.mul_(1 - decay)  # weight decay, in place
                    p.sub_(lr * p.grad)
                    p.clamp_(-2.0, 2.0)
        else:
            with torch.no_grad():
                for p in model.parameters():
                    p.copy_(p - lr * p.grad)
                    p.grad = None
        losses.append(loss.item())
    assert all(p.requires_grad for p in model.parameters())
    return losses
