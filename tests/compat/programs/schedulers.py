"""Four textbook schedulers: StepLR, CosineAnnealingLR, OneCycleLR, ReduceLROnPlateau."""

from compat.programs._common import regression


def program(torch, nn, F, optim, data, start):
    x, y = (torch.tensor(a) for a in regression(seed=5))
    lr_scheduler = optim.lr_scheduler
    losses = []

    def train(model, optimizer, scheduler, steps, plateau=False):
        for _ in range(steps):
            optimizer.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            optimizer.step()
            if plateau:
                scheduler.step(loss.item())
            else:
                scheduler.step()
            losses.append(loss.item())
            losses.append(optimizer.param_groups[0]["lr"])

    model = start(nn.Linear(5, 1))
    opt = optim.SGD(model.parameters(), lr=0.1)
    train(model, opt, lr_scheduler.StepLR(opt, step_size=3, gamma=0.5), 8)

    model = start(nn.Linear(5, 1))
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    train(model, opt, lr_scheduler.CosineAnnealingLR(opt, T_max=8, eta_min=0.001), 8)

    model = start(nn.Linear(5, 1))
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = lr_scheduler.OneCycleLR(opt, max_lr=0.2, total_steps=10)
    train(model, opt, sched, 10)
    assert abs(sched.get_last_lr()[0] - opt.param_groups[0]["lr"]) < 1e-12

    model = start(nn.Linear(5, 1))
    opt = optim.Adam(model.parameters(), lr=0.5)
    sched = lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1)
    train(model, opt, sched, 12, plateau=True)
    return losses
