"""`save` and `load`, as ``torch.save``/``torch.load``, in a format that never runs code.

>>> import io, course
>>> f = io.BytesIO()
>>> course.save({"w": course.ones(2, 3), "step": 7}, f)
>>> _ = f.seek(0)
>>> state = course.load(f)
>>> state["w"].shape, state["step"]
((2, 3), 7)

A file is a zip archive (as torch's, stored uncompressed): one ``.npy`` file per array, read
back with ``allow_pickle=False``, and ``course.json``, the structure around them: dicts (their
key order kept), lists, tuples, None, bools, numbers and strings. Unlike a pickle, loading an
untrusted file cannot run code, so ``weights_only`` is accepted and changes nothing. Tensors
are saved from the host and loaded on the CPU unless ``map_location`` names another device; a
`Parameter` comes back a `Parameter` with its ``requires_grad``, and a tensor saved twice comes
back as one tensor.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections import OrderedDict
from typing import IO, Any

import numpy as np

from course import backend
from course.autograd import Tensor

_MANIFEST = "course.json"
_FORMAT = "course.save"
_VERSION = 1

PathOrFile = str | os.PathLike | IO[bytes]


class _Writer:
    """Turns an object into a JSON-able structure, collecting its arrays as it goes."""

    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []
        self.seen: dict[int, int] = {}  # id(tensor) -> its array's number

    def add(self, array: np.ndarray, where: str) -> int:
        if array.dtype.hasobject:
            raise TypeError(f"course.save: {where} is an array of Python objects ({array.dtype})")
        self.arrays.append(array)
        return len(self.arrays) - 1

    def encode(self, obj: Any, where: str) -> Any:
        from course.nn.module import Module, Parameter

        if isinstance(obj, np.generic):  # before float: np.float64 is a float
            return {"scalar": self.add(np.asarray(obj), where)}
        if obj is None or isinstance(obj, (bool, int, float, str)):
            return obj
        if isinstance(obj, Tensor):
            if id(obj) not in self.seen:
                self.seen[id(obj)] = self.add(backend.to_numpy(obj.array), where)
            kind = "parameter" if isinstance(obj, Parameter) else "tensor"
            return {kind: self.seen[id(obj)], "requires_grad": obj.requires_grad}
        if isinstance(obj, backend.ARRAY_TYPES):
            return {"ndarray": self.add(backend.to_numpy(obj), where)}
        if isinstance(obj, (list, tuple)):
            items = [self.encode(v, f"{where}[{i}]") for i, v in enumerate(obj)]
            return {"tuple" if isinstance(obj, tuple) else "list": items}
        if isinstance(obj, dict):
            pairs = [
                [self.encode(k, f"a key of {where}"), self.encode(v, f"{where}[{k!r}]")]
                for k, v in obj.items()
            ]
            return {"ordered_dict" if isinstance(obj, OrderedDict) else "dict": pairs}
        hint = ""
        if isinstance(obj, Module):
            hint = "; save model.state_dict() and load it with model.load_state_dict(...)"
        elif hasattr(obj, "detach") and hasattr(obj, "numpy"):
            hint = "; a torch tensor? convert it first: course.tensor(t.detach().cpu().numpy())"
        raise TypeError(
            f"course.save: cannot save {where} of type {type(obj).__name__}: course saves "
            f"tensors, arrays, numbers, strings, None and dicts/lists/tuples of them{hint}"
        )


def save(obj: Any, f: PathOrFile) -> None:
    """Write ``obj`` (tensors, state dicts, nested dicts/lists/tuples of tensors, numbers and
    strings) to the path or binary file ``f``, to be read back by `load`."""
    writer = _Writer()
    structure = writer.encode(obj, "obj")
    manifest = {"format": _FORMAT, "version": _VERSION, "object": structure}
    with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(_MANIFEST, json.dumps(manifest))
        for i, array in enumerate(writer.arrays):
            with archive.open(f"arrays/{i}.npy", "w", force_zip64=True) as out:
                np.lib.format.write_array(out, array, allow_pickle=False)


class _Reader:
    def __init__(self, archive: zipfile.ZipFile, device: str) -> None:
        self.archive, self.device = archive, device
        self.tensors: dict[int, Tensor] = {}

    def array(self, i: int) -> np.ndarray:
        with self.archive.open(f"arrays/{i}.npy") as f:
            return np.lib.format.read_array(f, allow_pickle=False)

    def decode(self, node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        (kind, value), *_ = node.items()
        if kind in ("tensor", "parameter"):
            if value not in self.tensors:
                from course.nn.module import Parameter

                data = backend.to_device(self.array(value), self.device)
                cls = Parameter if kind == "parameter" else Tensor
                self.tensors[value] = cls(data, requires_grad=node["requires_grad"])
            return self.tensors[value]
        if kind == "ndarray":
            return self.array(value)
        if kind == "scalar":
            return self.array(value)[()]
        if kind in ("list", "tuple"):
            items = [self.decode(v) for v in value]
            return tuple(items) if kind == "tuple" else items
        if kind in ("dict", "ordered_dict"):
            pairs = [(self.decode(k), self.decode(v)) for k, v in value]
            return OrderedDict(pairs) if kind == "ordered_dict" else dict(pairs)
        raise ValueError(f"course.load: unknown entry {kind!r} in the file (a newer course?)")


def _not_ours(head: bytes, archive: zipfile.ZipFile | None) -> str | None:
    """Why a file is not one `save` wrote, or None when it is."""
    if archive is None:
        if head[:1] == b"\x80":
            return (
                "it is a pickle (torch.save's legacy format, or pickle.dump), which course "
                "never loads: unpickling can run arbitrary code"
            )
        return "it is not a zip archive"
    names = archive.namelist()
    if _MANIFEST in names:
        return None
    if any(n.endswith("data.pkl") for n in names):
        return (
            "it was written by torch.save (a zip holding a pickle), which course does not "
            "load: in PyTorch, load it and pass it on, e.g. "
            "model.load_state_dict(torch.load(path)) on a course model, or course.save it"
        )
    return "it holds no course.json"


def load(f: PathOrFile, map_location: Any = None, weights_only: bool | None = None) -> Any:
    """Read back what `save` wrote to the path or binary file ``f``.

    Tensors land on the CPU, or on ``map_location`` ('cpu', 'cuda', 'cuda:0' or a
    ``course.device``). ``weights_only`` is accepted for torch's programs and changes nothing:
    the format holds only data, so loading never runs code.
    """
    if map_location is not None and not isinstance(map_location, (str, backend.device)):
        raise TypeError(
            f"course.load: map_location must be a device name or course.device, "
            f"got {type(map_location).__name__}"
        )
    device = backend.normalize_device(map_location or "cpu")
    name = os.fspath(f) if isinstance(f, (str, os.PathLike)) else getattr(f, "name", "the file")
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as stream:
            data = stream.read()
    else:
        data = f.read()
    try:
        archive: zipfile.ZipFile | None = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        archive = None
    problem = _not_ours(data[:1], archive)
    if problem is not None or archive is None:
        raise ValueError(f"course.load: {name} was not written by course.save: {problem}")
    with archive:
        manifest = json.loads(archive.read(_MANIFEST))
        if manifest.get("format") != _FORMAT or manifest.get("version", 0) > _VERSION:
            raise ValueError(
                f"course.load: {name} has format {manifest.get('format')!r} version "
                f"{manifest.get('version')!r}; this course reads {_FORMAT!r} up to {_VERSION}"
            )
        return _Reader(archive, device).decode(manifest["object"])


__all__ = ["load", "save"]
