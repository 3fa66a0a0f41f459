"""torch's factory keywords and casts on modules: `nn.Linear(..., dtype=)`, `model.double()`,
`model.to(dtype)` with the dtype alone (found missing by the compatibility suite)."""

import numpy as np
import pytest

import course
from course import nn

LAYERS = {
    "Linear": lambda **kw: nn.Linear(3, 4, **kw),
    "Conv2d": lambda **kw: nn.Conv2d(2, 3, 3, **kw),
    "Embedding": lambda **kw: nn.Embedding(5, 2, **kw),
    "BatchNorm2d": lambda **kw: nn.BatchNorm2d(3, **kw),
    "LayerNorm": lambda **kw: nn.LayerNorm(4, **kw),
    "LSTM": lambda **kw: nn.LSTM(3, 4, **kw),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_factory_dtype_and_device_place_every_floating_tensor(name):
    layer = LAYERS[name](dtype=course.float64, device="cpu")
    floats = [t for t in layer.state_dict().values() if t.dtype.kind == "f"]
    assert floats and all(t.dtype is course.float64 for t in floats)
    assert all(t.device == "cpu" for t in layer.state_dict().values())
    if name == "BatchNorm2d":  # the step counter stays an integer, as in torch
        assert layer.num_batches_tracked.dtype is course.int64


def test_double_half_float_and_to_dtype_cast_in_place():
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    assert model.double() is model and model[0].weight.dtype is course.float64
    assert model.half()[2].bias.dtype is course.float16
    assert model.float()[0].weight.dtype is course.float32
    assert model.to(course.float64)[0].weight.dtype is course.float64  # dtype alone, as torch
    assert model.to(np.float32)[0].weight.dtype is course.float32
    assert model.to(course.zeros(1, dtype=course.double))[2].weight.dtype is course.float64


def test_to_an_integer_dtype_is_refused():
    with pytest.raises(TypeError, match="only floating dtypes"):
        nn.Linear(2, 2).to(course.long)


def test_an_unknown_padding_mode_is_named():
    with pytest.raises(NotImplementedError, match="padding_mode='reflect'"):
        nn.Conv2d(1, 1, 3, padding_mode="reflect")
