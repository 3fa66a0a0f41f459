"""Known gap: random_split with a seeded torch.Generator (course takes a NumPy Generator)."""

from compat.programs._common import classification


def program(torch, nn, F, optim, data, start):
    x, labels = classification(seed=15)
    full = data.TensorDataset(torch.tensor(x), torch.tensor(labels))
    train_set, val_set = data.random_split(
        full, [48, 12], generator=torch.Generator().manual_seed(42)
    )
    loader = data.DataLoader(train_set, batch_size=16, shuffle=False)
    model = start(nn.Linear(6, 3))
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    losses = []
    for _epoch in range(3):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses
