"""Data pipelines: a Dataset subclass, TensorDataset, Subset, ConcatDataset, DataLoader options."""

import numpy as np

from compat.programs._common import classification


def program(torch, nn, F, optim, data, start):
    x, labels = classification(n=50, seed=6)

    class PairDataset(data.Dataset):
        """A map-style dataset returning (features, label) as a dict, as many textbook ones do."""

        def __init__(self, x, labels):
            self.x, self.labels = x, labels

        def __len__(self):
            return len(self.labels)

        def __getitem__(self, i):
            return {"x": self.x[i], "y": int(self.labels[i])}

    def collate(batch):
        xs = torch.tensor(np.stack([item["x"] for item in batch]))
        ys = torch.tensor([item["y"] for item in batch])
        return xs, ys

    full = data.TensorDataset(torch.tensor(x), torch.tensor(labels))
    perm = np.random.default_rng(7).permutation(len(full))
    train_set = data.Subset(full, perm[:40].tolist())
    val_set = data.Subset(full, perm[40:].tolist())
    assert len(train_set) == 40 and len(val_set) == 10

    # drop_last: 40 samples in batches of 16 -> 2 batches per epoch
    train_loader = data.DataLoader(
        train_set, batch_size=16, shuffle=False, drop_last=True, num_workers=0
    )
    assert len(train_loader) == 2
    dict_loader = data.DataLoader(PairDataset(x, labels), batch_size=25, collate_fn=collate)
    both = data.ConcatDataset([train_set, val_set])
    assert len(both) == 50

    model = start(nn.Sequential(nn.Linear(6, 12), nn.ReLU(), nn.Linear(12, 3)))
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    losses = []
    for _epoch in range(4):
        for xb, yb in train_loader:
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        for xb, yb in dict_loader:
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        with torch.no_grad():
            val = sum(
                F.cross_entropy(model(xb), yb, reduction="sum").item()
                for xb, yb in data.DataLoader(val_set, batch_size=4)
            )
        losses.append(val / len(val_set))
    return losses
