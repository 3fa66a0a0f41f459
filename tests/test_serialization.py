"""course.save / course.load: round trips keep dtypes, shapes, values, requires_grad, key order
and structure; a reloaded model gives the same outputs; the format never unpickles; errors
name the problem (a torch.save file, something not saveable)."""

import io
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
import torch

import course
from course.nn import Linear, Parameter, Sequential


def round_trip(obj, **load_kwargs):
    f = io.BytesIO()
    course.save(obj, f)
    f.seek(0)
    return course.load(f, **load_kwargs)


@pytest.mark.parametrize(
    "dtype", ["float32", "float64", "float16", "int64", "int32", "int8", "uint8", "bool"]
)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3, 4)])
def test_a_tensor_keeps_dtype_shape_and_values(dtype, shape):
    values = np.random.default_rng(0).normal(size=shape) * 10
    t = course.tensor(values.astype(dtype))
    back = round_trip(t)
    assert isinstance(back, course.Tensor) and back.device == "cpu"
    assert back.dtype == t.dtype and back.shape == t.shape and not back.requires_grad
    np.testing.assert_array_equal(back.numpy(), t.numpy())


def test_non_contiguous_and_requires_grad_tensors():
    x = course.tensor(np.arange(12.0, dtype=np.float32).reshape(3, 4), requires_grad=True)
    view = course.Tensor(x.array.T[::2])
    back = round_trip({"x": x, "view": view})
    assert back["x"].requires_grad and not back["view"].requires_grad
    np.testing.assert_array_equal(back["view"].numpy(), x.array.T[::2])


def test_nested_structures_keep_types_and_key_order():
    obj = {
        "z": [1, 2.5, "text", None, True, (course.ones(2), -3)],
        "a": OrderedDict([("b", course.zeros(1)), ("a", {"deep": [np.arange(3)]})]),
        3: np.float32(0.5),
        (1, "k"): float("inf"),
    }
    back = round_trip(obj)
    assert list(back) == ["z", "a", 3, (1, "k")] and type(back) is dict
    assert back["z"][:5] == [1, 2.5, "text", None, True] and isinstance(back["z"][5], tuple)
    assert type(back["a"]) is OrderedDict and list(back["a"]) == ["b", "a"]
    np.testing.assert_array_equal(back["a"]["a"]["deep"][0], np.arange(3))
    assert isinstance(back["a"]["a"]["deep"][0], np.ndarray)
    assert back[3] == 0.5 and back[3].dtype == np.float32 and back[(1, "k")] == float("inf")


def test_a_tensor_saved_twice_comes_back_as_one():
    t = course.ones(3)
    back = round_trip([t, {"again": t}, course.ones(3)])
    assert back[0] is back[1]["again"] and back[0] is not back[2]


def test_state_dict_round_trip_and_reloaded_model_gives_the_same_outputs(tmp_path):
    course.manual_seed(0)
    model = Sequential(Linear(4, 8), course.nn.ReLU(), Linear(8, 3))
    path = tmp_path / "model.pt"
    course.save(model.state_dict(), path)
    state = course.load(str(path), weights_only=True)
    assert type(state) is OrderedDict and list(state) == list(model.state_dict())
    for key, t in model.state_dict().items():
        assert state[key].dtype == t.dtype and state[key].shape == t.shape
    course.manual_seed(1)
    fresh = Sequential(Linear(4, 8), course.nn.ReLU(), Linear(8, 3))
    x = course.randn(5, 4)
    assert not np.allclose(fresh(x).detach().numpy(), model(x).detach().numpy())
    fresh.load_state_dict(course.load(path))
    np.testing.assert_array_equal(fresh(x).detach().numpy(), model(x).detach().numpy())


def test_parameters_come_back_as_parameters():
    p, frozen = Parameter(course.ones(2)), Parameter(course.zeros(2), requires_grad=False)
    back_p, back_frozen = round_trip([p, frozen])
    assert isinstance(back_p, Parameter) and back_p.requires_grad
    assert isinstance(back_frozen, Parameter) and not back_frozen.requires_grad


def test_an_optimizer_state_dict_round_trips():
    model = Linear(3, 2)
    opt = course.optim.Adam(model.parameters(), lr=0.01)
    model(course.ones(4, 3)).sum().backward()
    opt.step()
    state = opt.state_dict()
    back = round_trip(state)
    assert back["param_groups"] == state["param_groups"]
    assert list(back["state"]) == list(state["state"]) == [0, 1]
    for i, buffers in state["state"].items():
        for k, v in buffers.items():
            np.testing.assert_array_equal(np.asarray(back["state"][i][k]), np.asarray(v))
    opt.load_state_dict(back)


def test_the_file_is_a_zip_of_npy_arrays_and_json_never_a_pickle(tmp_path):
    path = tmp_path / "t.pt"
    course.save({"w": course.ones(2)}, path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert "course.json" in names and all(n.endswith(".npy") for n in names[1:])
        assert not any(n.endswith(".pkl") for n in names)


def test_loading_a_torch_save_file_names_torch(tmp_path):
    path = tmp_path / "torch.pt"
    torch.save({"w": torch.ones(2)}, path)
    with pytest.raises(ValueError, match=r"written by torch\.save.*does not load"):
        course.load(path)
    legacy = io.BytesIO(pickle.dumps({"w": 1}))
    with pytest.raises(ValueError, match="it is a pickle"):
        course.load(legacy)
    with pytest.raises(ValueError, match="not a zip archive"):
        course.load(io.BytesIO(b"hello"))


def test_object_arrays_are_refused_on_save_and_load(tmp_path):
    with pytest.raises(TypeError, match=r"obj\['a'\] is an array of Python objects"):
        course.save({"a": np.array([{}, 1], dtype=object)}, io.BytesIO())
    # a hand-made file holding a pickled array: np.load's allow_pickle=False refuses it
    f = io.BytesIO()
    with zipfile.ZipFile(f, "w") as archive:
        archive.writestr("course.json", '{"format": "course.save", "version": 1, '
                         '"object": {"ndarray": 0}}')  # fmt: skip
        with archive.open("arrays/0.npy", "w") as out:
            np.lib.format.write_array(out, np.array([{}], dtype=object), allow_pickle=True)
    f.seek(0)
    with pytest.raises(ValueError, match="allow_pickle=False"):
        course.load(f)


@pytest.mark.parametrize(
    "obj, message",
    [
        (Linear(2, 2), r"of type Linear.*save model\.state_dict\(\)"),
        ({"t": torch.ones(2)}, r"obj\['t'\] of type Tensor.*torch tensor"),
        ([1, lambda: 0], r"obj\[1\] of type function"),
    ],
)
def test_unsaveable_objects_are_named(obj, message):
    with pytest.raises(TypeError, match=message):
        course.save(obj, io.BytesIO())


def test_map_location():
    back = round_trip(course.ones(2), map_location="cpu")
    assert back.device == "cpu"
    assert round_trip(course.ones(2), map_location=course.device("cpu")).device == "cpu"
    with pytest.raises(TypeError, match="map_location"):
        round_trip(course.ones(2), map_location=lambda storage, loc: storage)


@pytest.mark.gpu
def test_cuda_tensors_are_saved_from_the_host_and_loaded_where_asked():
    if not course.cuda.is_available():
        pytest.skip("skipped: no GPU")
    t = course.arange(6).reshape(2, 3).to("cuda")
    assert round_trip(t).device == "cpu"
    on_gpu = round_trip({"t": t}, map_location="cuda")["t"]
    assert on_gpu.device == "cuda" and on_gpu.dtype == t.dtype
    np.testing.assert_array_equal(on_gpu.numpy(), t.numpy())
