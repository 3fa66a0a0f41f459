"""Device rules on a CPU-only machine: mixing devices raises a clear error naming the op,
layer or optimizer, and optimizer state follows the parameters' device.

A real GPU array cannot be made here, so a NumPy subclass plays the GPU array: backend's
``device_of`` calls it 'cuda' and ``to_device`` converts to and from it. The real thing is
tested in tests/gpu.
"""

import numpy as np
import pytest

import course
from course import backend, nn, optim


class FakeCudaArray(np.ndarray):
    """A NumPy array that says it lives on the GPU."""


@pytest.fixture
def fake_cuda(monkeypatch):
    real_device_of = backend.device_of

    def device_of(x):
        return "cuda" if isinstance(x, FakeCudaArray) else real_device_of(x)

    def to_device(x, device):
        arr = np.asarray(x)  # drops the subclass: the 'cpu' copy
        return arr.view(FakeCudaArray) if device == "cuda" else arr

    monkeypatch.setattr(backend, "_CUDA", True)
    monkeypatch.setattr(backend, "device_of", device_of)
    monkeypatch.setattr(backend, "to_device", to_device)
    return lambda t: course.Tensor(t.array.view(FakeCudaArray), requires_grad=t.requires_grad)


def test_ops_on_two_devices_name_the_op_and_both_devices(fake_cuda):
    a = course.randn(3)
    with pytest.raises(RuntimeError, match=r"Add: tensors are on different devices \(cpu, cuda\)"):
        course.ops.add(a, fake_cuda(a))


def test_a_layer_names_itself_and_says_how_to_fix_a_device_mismatch(fake_cuda):
    layer = nn.Linear(3, 2).to("cuda")
    assert layer.weight.device == "cuda" and layer.bias.device == "cuda"
    with pytest.raises(RuntimeError) as info:
        layer(course.randn(4, 3))
    assert str(info.value) == (
        "Linear: the input is on cpu but the parameters are on cuda; "
        "move one of them: model.to('cpu') or x.to('cuda')"
    )


def test_a_layer_on_the_inputs_device_runs(fake_cuda):
    layer = nn.Linear(3, 2).to("cuda")
    out = layer(fake_cuda(course.randn(4, 3)))
    assert out.device == "cuda"


@pytest.mark.parametrize(
    "make, keys",
    [
        (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9), {"momentum_buffer", "tmp"}),
        (lambda ps: optim.Adam(ps, lr=0.1), {"exp_avg", "exp_avg_sq", "tmp"}),
    ],
    ids=["SGD", "Adam"],
)
def test_optimizer_state_follows_the_parameters_to_another_device(fake_cuda, make, keys):
    model = nn.Linear(3, 2)
    opt = make(model.parameters())
    model(course.randn(4, 3)).sum().backward()
    opt.step()
    state = opt.state[id(model.weight)]
    assert keys <= state.keys() and all(state[k].__class__ is np.ndarray for k in keys)
    model.to("cuda")  # moves parameters and gradients; the state is still on the CPU
    opt.step()
    state = opt.state[id(model.weight)]
    assert all(backend.device_of(state[k]) == "cuda" for k in keys)
    assert model.weight.device == "cuda"


def test_optimizer_refuses_a_gradient_on_another_device(fake_cuda):
    model = nn.Linear(3, 2)
    opt = optim.SGD(model.parameters(), lr=0.1)
    model(course.randn(4, 3)).sum().backward()
    model.weight.grad = fake_cuda(model.weight.grad)
    with pytest.raises(RuntimeError, match=r"SGD: a parameter of shape \(2, 3\) is on cpu but"):
        opt.step()


def test_index_lists_and_numpy_arrays_follow_the_indexed_tensor(fake_cuda):
    x = fake_cuda(course.arange(6.0).reshape(3, 2))
    for index in ([2, 0], np.array([2, 0])):
        out = x[index]
        assert out.device == "cuda"
        np.testing.assert_array_equal(np.asarray(out.array), [[4, 5], [0, 1]])


class _CupyLikeArray:
    """What backend.writeable sees of a CuPy array: flags without `writeable`."""

    class flags:  # noqa: N801 - mirrors the attribute name
        c_contiguous = True

    def __init__(self, a: np.ndarray):
        self.shape, self.strides = a.shape, a.strides


def test_writeable_on_numpy_follows_the_flag():
    a = np.zeros((3, 4), np.float32)
    assert backend.writeable(a)
    assert not backend.writeable(np.broadcast_to(a[0], (3, 4)))


def test_writeable_on_a_gpu_array_treats_zero_strides_as_read_only():
    a = np.zeros((3, 4), np.float32)
    assert backend.writeable(_CupyLikeArray(a))
    assert backend.writeable(_CupyLikeArray(a[:, :1]))
    assert not backend.writeable(_CupyLikeArray(np.broadcast_to(a[0], (3, 4))))
    assert backend.writeable(_CupyLikeArray(np.broadcast_to(a[0, 0], (1, 1))))


def test_a_tensor_holding_a_numpy_scalar_is_named_not_called_a_device_mismatch():
    """constant() wraps what it is given; a NumPy scalar there once read as '(cpu, cpu)'."""
    import numpy as np

    import course

    bad = course.constant(np.float32(2.0))
    with pytest.raises(TypeError, match="holds a float32, not a NumPy/CuPy array"):
        course.ones(2) * bad
