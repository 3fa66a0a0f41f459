"""A classifier trained with CrossEntropyLoss(label_smoothing=0.1)."""

from compat.programs._common import classification


def program(torch, nn, F, optim, data, start):
    x, labels = (torch.tensor(a) for a in classification(seed=16))
    model = start(nn.Sequential(nn.Linear(6, 12), nn.ReLU(), nn.Linear(12, 3)))
    criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for _ in range(10):
        optimizer.zero_grad()
        loss = criterion(model(x), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
