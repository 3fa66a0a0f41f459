"""A small CNN on odd-sized images: F.conv2d(padding='same'), MaxPool2d(ceil_mode=True),
soft (mixup-style) probability targets, class weights with label smoothing, and an
evaluation under torch.inference_mode()."""

import numpy as np


def program(torch, nn, F, optim, data, start):
    rng = np.random.default_rng(21)
    images = torch.tensor(rng.standard_normal((16, 1, 7, 7)).astype(np.float32))
    labels = torch.tensor(rng.integers(0, 3, 16))
    mix = rng.dirichlet(np.ones(3), 16).astype(np.float32)  # soft targets, rows sum to 1

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.kernel = nn.Parameter(torch.zeros(4, 1, 3, 3))
            self.pool = nn.MaxPool2d(2, ceil_mode=True)  # 7x7 -> 4x4
            self.fc = nn.Linear(4 * 4 * 4, 3)

        def forward(self, x):
            x = F.relu(F.conv2d(x, self.kernel, padding="same"))
            return self.fc(self.pool(x).flatten(1))

    model = start(Net())
    with torch.no_grad():
        model.kernel.copy_(torch.tensor(rng.standard_normal((4, 1, 3, 3)).astype(np.float32)))
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    weighted = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 0.5]), label_smoothing=0.1)
    losses = []
    for _ in range(8):
        optimizer.zero_grad()
        logits = model(images)
        loss = F.cross_entropy(logits, torch.tensor(mix)) + weighted(logits, labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    with torch.inference_mode():
        losses.append(F.cross_entropy(model(images), torch.tensor(mix), reduction="sum").item())
    return losses
