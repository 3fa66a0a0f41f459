"""Known gap: an in-place op on a non-leaf tensor inside the graph (torch rebases the graph)."""

from compat.programs._common import regression


def program(torch, nn, F, optim, data, start):
    x, y = (torch.tensor(a) for a in regression(seed=19))
    fc1, fc2 = start(nn.Linear(5, 8)), start(nn.Linear(8, 1))
    optimizer = optim.SGD(list(fc1.parameters()) + list(fc2.parameters()), lr=0.05)
    losses = []
    for _ in range(10):
        optimizer.zero_grad()
        h = fc1(x)
        h.mul_(2.0)  # in place on an intermediate: torch records it, gradients flow through
        h.relu_()
        loss = F.mse_loss(fc2(h), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
