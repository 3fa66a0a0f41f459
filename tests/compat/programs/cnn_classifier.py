"""A small CNN classifier: Conv2d, ReLU, MaxPool2d, view/Flatten, Linear, CrossEntropyLoss."""

import numpy as np


def program(torch, nn, F, optim, data, start):
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 4, kernel_size=3, padding=1)
            self.conv2 = nn.Conv2d(4, 8, 3)
            self.pool = nn.MaxPool2d(2, 2)
            self.fc1 = nn.Linear(8 * 2 * 2, 16)
            self.head = nn.Sequential(nn.ReLU(), nn.Linear(16, 3))

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))  # 12 -> 6
            x = self.pool(F.relu(self.conv2(x)))  # 6 -> 4 -> 2
            x = x.view(x.size(0), -1)
            return self.head(self.fc1(x))

    rng = np.random.default_rng(2)
    images = rng.standard_normal((48, 1, 12, 12)).astype(np.float32)
    labels = (images[:, 0, :6].mean(axis=(1, 2)) > 0).astype(np.int64) + (
        images[:, 0, 6:].mean(axis=(1, 2)) > 0.1
    ).astype(np.int64)
    loader = data.DataLoader(
        data.TensorDataset(torch.tensor(images), torch.tensor(labels)), batch_size=16, shuffle=False
    )

    model = start(Net())
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    losses = []
    for _epoch in range(4):
        model.train()
        for inputs, targets in loader:
            optimizer.zero_grad()
            outputs = model(inputs)
            loss = criterion(outputs, targets)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        correct = 0
        for inputs, targets in loader:
            _, predicted = torch.max(model(inputs), 1)
            correct += (predicted == targets).sum().item()
    losses.append(correct / len(loader.dataset))
    return losses
