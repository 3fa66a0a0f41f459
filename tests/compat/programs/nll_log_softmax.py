"""Classification the older way: LogSoftmax / F.log_softmax with NLLLoss; Dropout, eval()."""

from compat.programs._common import classification


def program(torch, nn, F, optim, data, start):
    x, labels = classification(seed=9)
    x, labels = torch.tensor(x), torch.tensor(labels)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(6, 16)
            self.drop = nn.Dropout(p=0.5)  # active only in train mode: the loop below uses eval()
            self.fc2 = nn.Linear(16, 3)

        def forward(self, x):
            return F.log_softmax(self.fc2(self.drop(F.relu(self.fc1(x)))), dim=1)

    model = start(Net())
    model.eval()  # dropout off, so torch and course see the same activations
    assert not model.drop.training
    criterion = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.2)
    head = nn.LogSoftmax(dim=1)
    losses = []
    for step in range(30):
        optimizer.zero_grad()
        if step % 2:
            loss = criterion(model(x), labels)
        else:  # the same through the module form of log-softmax on raw logits
            logits = model.fc2(F.relu(model.fc1(x)))
            loss = F.nll_loss(head(logits), labels, reduction="mean")
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
