"""Save model and optimizer state_dicts mid-training, load them into fresh objects, continue."""

import io

from compat.programs._common import classification


def program(torch, nn, F, optim, data, start):
    x, labels = classification(seed=10)
    x, labels = torch.tensor(x), torch.tensor(labels)

    def make():
        return nn.Sequential(nn.Linear(6, 10), nn.ReLU(), nn.Linear(10, 3))

    model = start(make())
    optimizer = optim.Adam(model.parameters(), lr=0.02)
    losses = []

    def steps(model, optimizer, n):
        for _ in range(n):
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), labels)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())

    steps(model, optimizer, 6)
    buffer = io.BytesIO()
    torch.save(
        {"epoch": 6, "model": model.state_dict(), "optimizer": optimizer.state_dict()}, buffer
    )
    buffer.seek(0)
    checkpoint = torch.load(buffer)

    restored = make()  # fresh random weights, overwritten by the checkpoint
    restored.load_state_dict(checkpoint["model"])
    restored_opt = optim.Adam(restored.parameters(), lr=0.02)
    restored_opt.load_state_dict(checkpoint["optimizer"])
    assert checkpoint["epoch"] == 6
    steps(restored, restored_opt, 6)
    return losses
