"""`course.cuda.graphed` on a real GPU: a captured training step trains exactly as the eager
one (losses and weights after 10 steps), refusals are clear, torch's reference capture works.
Part of `course doctor --gpu-check`; tests/test_cuda_graphs.py covers the bookkeeping on a CPU."""

from __future__ import annotations

import numpy as np
import pytest

import course
from course import functional as F
from course import nn, optim
from course.bench import workloads as W
from course.cuda_graphs import GraphCaptureError, graphed, torch_graphed
from course.testing import assert_close

pytestmark = pytest.mark.gpu

STEPS, WARMUP = 10, 3
RTOL, ATOL = 1e-5, 1e-6  # float32: the same kernels in the same order, eager or replayed


def batches(shape_x, shape_y, classes=None):
    rng = np.random.default_rng(1)
    for _ in range(STEPS):
        X = rng.standard_normal(shape_x).astype(np.float32)
        y = (
            rng.integers(0, classes, size=shape_y)
            if classes
            else rng.standard_normal(shape_y).astype(np.float32)
        )
        yield course.tensor(X, device="cuda"), course.tensor(y, device="cuda")


def elementwise_model():
    """Parameters, an SGD with momentum and a step without any matmul: CuPy can capture it."""
    rng = np.random.default_rng(0)
    w = nn.Parameter(course.tensor(rng.standard_normal(64).astype(np.float32), device="cuda"))
    b = nn.Parameter(course.tensor(np.zeros(64, dtype=np.float32), device="cuda"))
    opt = optim.SGD([w, b], lr=0.05, momentum=0.9)

    def step(X, y):
        opt.zero_grad()
        loss = ((X * w + b - y) ** 2).mean()
        loss.backward()
        opt.step()
        return loss

    return step, [w, b]


def mlp_model():
    """A small MLP: its Linear layers are matmuls, which CuPy alone refuses to capture."""
    course.manual_seed(0)
    model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 10)).to("cuda")
    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

    def step(X, y):
        opt.zero_grad()
        loss = F.cross_entropy(model(X), y)
        loss.backward()
        opt.step()
        return loss

    return step, list(model.parameters())


def eager_and_graphed(make, data, **options):
    """Losses and weights after STEPS steps, eager and graphed, on the same batches.

    The graphed model's warm-up steps all see the example batch, so the eager twin takes its
    first WARMUP steps on that batch too.
    """
    data = list(data)
    schedule = [data[0]] * WARMUP + data[WARMUP:]
    step, eager_params = make()
    eager_losses = [step(X, y).item() for X, y in schedule]

    step, params = make()
    X0, y0 = data[0]
    g = graphed(step, (X0.detach().clone(), y0.detach().clone()), warmup=WARMUP, **options)
    losses = [g(X, y).item() for X, y in data[WARMUP:]]
    assert g.steps_run == STEPS
    return eager_losses[WARMUP:], losses, eager_params, params


def test_graphed_losses_after_10_steps_equal_eager_ones():
    eager, replayed, eager_params, params = eager_and_graphed(
        elementwise_model, batches((16, 64), (16, 64))
    )
    assert_close(np.array(replayed), np.array(eager), rtol=RTOL, atol=ATOL, name="losses")
    for p, q in zip(params, eager_params, strict=True):
        assert_close(p.detach().numpy(), q.detach().numpy(), rtol=RTOL, atol=ATOL, name="weight")
    assert eager[-1] < eager[0], "the model did not train: the test would prove nothing"


def test_an_mlp_step_is_captured_through_the_cublas_router_and_trains_as_eager():
    # Its GEMMs run on another handle with its own workspace: cuBLAS may pick other kernels
    # (another summation order), hence float32 tolerances a little wider than above.
    eager, replayed, eager_params, params = eager_and_graphed(
        mlp_model, batches((16, 32), (16,), classes=10)
    )
    assert_close(np.array(replayed), np.array(eager), rtol=1e-4, atol=1e-5, name="losses")
    for p, q in zip(params, eager_params, strict=True):
        assert_close(p.detach().numpy(), q.detach().numpy(), rtol=1e-4, atol=1e-5, name="weight")


def test_without_the_router_cupy_refuses_the_matmul_by_name():
    step, _ = mlp_model()
    X, y = next(batches((16, 32), (16,), classes=10))
    with pytest.raises(GraphCaptureError, match="a matmul.*cupy/cupy#6290"):
        graphed(step, (X, y), capture_matmul=False)


def test_a_host_sync_in_the_step_is_refused_with_its_line_and_the_gpu_still_works():
    step, (w, _) = elementwise_model()

    def logging_step(X, y):
        loss = step(X, y)
        print("loss", loss.item())  # a host sync: not allowed in a captured step
        return loss

    X, y = next(batches((16, 64), (16, 64)))
    with pytest.raises(GraphCaptureError, match="host synchronisation") as e:
        graphed(logging_step, (X, y))
    assert "loss.item()" in str(e.value)
    assert (w * 2).sum().item() == pytest.approx(2 * float(w.detach().numpy().sum()), rel=1e-5)


def test_another_batch_shape_is_refused():
    step, _ = elementwise_model()
    X, y = next(batches((16, 64), (16, 64)))
    g = graphed(step, (X, y))
    small_X, small_y = next(batches((8, 64), (8, 64)))
    with pytest.raises(ValueError, match="capture one graph per shape"):
        g(small_X, small_y)


def test_the_bench_s_tiny_step_replays_with_the_eager_loss():
    pair = W.tiny("cuda")
    eager = float(pair.ours().item())
    try:
        g = graphed(pair.ours)
    except GraphCaptureError as e:
        pytest.fail(f"the tiny workload has no matmul, yet it was refused: {e}")
    assert float(g().item()) == pytest.approx(eager, rel=1e-6)  # its loss does not change


def test_torch_graphed_trains_as_torch_eager():
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("torch here has no CUDA build")

    def make():
        torch.manual_seed(0)
        model = torch.nn.Linear(32, 10).cuda()
        opt = torch.optim.SGD(model.parameters(), lr=0.05)
        X = torch.randn(16, 32, device="cuda")
        y = torch.randint(0, 10, (16,), device="cuda")

        def step():
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(X), y)
            loss.backward()
            opt.step()
            return loss

        return step

    eager = make()
    eager_losses = [eager().item() for _ in range(STEPS)]
    replay = torch_graphed(make(), warmup=WARMUP)
    replayed = [replay().item() for _ in range(STEPS - WARMUP)]
    np.testing.assert_allclose(replayed, eager_losses[WARMUP:], rtol=RTOL, atol=ATOL)
