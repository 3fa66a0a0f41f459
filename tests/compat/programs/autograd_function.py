"""A custom torch.autograd.Function in ctx style: static forward/backward, save_for_backward."""

from compat.programs._common import regression


def program(torch, nn, F, optim, data, start):
    class ClampedReLU(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, limit):
            ctx.save_for_backward(x)
            ctx.limit = limit
            return x.clamp(min=0, max=limit)

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            grad = grad_output.clone()
            grad[(x < 0) | (x > ctx.limit)] = 0
            return grad, None

    x, y = (torch.tensor(a) for a in regression(seed=14))
    fc1, fc2 = start(nn.Linear(5, 8)), start(nn.Linear(8, 1))
    optimizer = optim.SGD(list(fc1.parameters()) + list(fc2.parameters()), lr=0.05)
    losses = []
    for _ in range(10):
        optimizer.zero_grad()
        loss = F.mse_loss(fc2(ClampedReLU.apply(fc1(x), 3.0)), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
