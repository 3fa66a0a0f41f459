"""random_split, DataLoader shuffling and randperm with seeded torch.Generators.

course draws from NumPy's PCG64, torch from a Mersenne Twister: the same seed gives other
permutations, so the program checks what a seed promises (sizes, disjoint splits, the same
split again for the same seed, whatever the global seed) and trains full-batch, where the
order of the examples does not change the loss.
"""

from compat.programs._common import classification


def program(torch, nn, F, optim, data, start):
    x, labels = classification(seed=15)
    full = data.TensorDataset(torch.tensor(x), torch.tensor(labels))
    train_set, val_set = data.random_split(
        full, [48, 12], generator=torch.Generator().manual_seed(42)
    )
    torch.manual_seed(7)  # the global seed does not touch a Generator of one's own
    again, _ = data.random_split(full, [0.8, 0.2], generator=torch.Generator().manual_seed(42))
    assert (len(train_set), len(val_set)) == (48, 12)
    assert list(again.indices) == list(train_set.indices)
    assert not set(train_set.indices) & set(val_set.indices)
    g = torch.Generator().manual_seed(3)
    assert sorted(torch.randperm(10, generator=g).tolist()) == list(range(10))

    loader = data.DataLoader(
        train_set + val_set, batch_size=60, shuffle=True, generator=torch.Generator().manual_seed(0)
    )
    model = start(nn.Linear(6, 3))
    optimizer = optim.SGD(model.parameters(), lr=0.5)
    losses = []
    for _epoch in range(10):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses
