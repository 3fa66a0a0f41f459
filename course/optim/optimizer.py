"""`Optimizer`: parameter groups, per-parameter state, ``step()`` and ``state_dict()`` as in torch.

A subclass writes only ``_update(p, grad, group, state)``: it changes ``p.array`` in place (inside
``no_grad``), keeping its running averages in ``state`` so that a step allocates almost nothing.
The small helpers below spell PyTorch's in-place formulas (``lerp_``, ``mul_().addcmul_()``) in the
same order of operations, so that float32 results round as torch's do.
"""

from __future__ import annotations

from collections.abc import Iterable

from course import backend
from course.autograd import Tensor, no_grad
from course.backend import get_array_module

# torch's switches for other implementations of the same update: accepted at their defaults only
_FLAG_DEFAULTS = {"foreach": None, "capturable": False, "differentiable": False, "fused": None}


def flags(owner: str, maximize: bool = False, **switches) -> dict:
    """The group entries for torch's keyword switches; refuse those course does not implement.

    ``maximize`` is implemented (the step follows +grad); ``foreach=False`` and ``fused=False``
    name the one-tensor-at-a-time loop that course runs anyway."""
    for name, value in switches.items():
        if value not in (_FLAG_DEFAULTS[name], False):
            raise NotImplementedError(
                f"{owner}: {name}={value!r} is not implemented in course (torch's {name} option); "
                f"leave it at its default {_FLAG_DEFAULTS[name]!r}"
            )
    return {"maximize": maximize, **switches}


class Optimizer:
    """Holds parameter groups (dicts with 'params' and hyper-parameters) and per-parameter state."""

    def __init__(self, params: Iterable, defaults: dict) -> None:
        params = list(params)
        if not params:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        self.defaults = defaults
        self.param_groups: list[dict] = []
        self.state: dict[int, dict] = {}  # id(parameter) -> its running buffers
        for group in params if isinstance(params[0], dict) else [{"params": params}]:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict) -> None:
        """Add a group (e.g. layers unfrozen later); missing hyper-parameters take the defaults."""
        group = {**self.defaults, **param_group}
        params = group["params"]
        group["params"] = [params] if isinstance(params, Tensor) else list(params)
        for p in group["params"]:
            if not isinstance(p, Tensor) or not p.requires_grad:
                raise TypeError(
                    f"{type(self).__name__}: can only optimise tensors that require grad"
                )
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients (set them to None, as PyTorch does by default)."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none or p.grad is None:
                    p.grad = None
                else:
                    p.grad.array[...] = 0

    def step(self) -> None:
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    grad = p.grad
                    if grad is not None:
                        state = self.state.setdefault(id(p), {})
                        self._follow_device(p, grad, state)
                        g = -grad.array if group.get("maximize") else grad.array
                        self._update(p, g, group, state)
                        p._wrote()  # written in place: a graph that saved p refuses backward

    def _follow_device(self, p: Tensor, grad: Tensor, state: dict) -> None:
        """Check that p's gradient is on p's device, and move p's state buffers there
        (after ``model.to(device)``, the state follows the parameters)."""
        kind = p.array.__class__
        if grad.array.__class__ is not kind:
            raise RuntimeError(
                f"{type(self).__name__}: a parameter of shape {tuple(p.shape)} is on {p.device} "
                f"but its gradient is on {grad.device}; move the model before backward"
            )
        for key, value in state.items():
            if isinstance(value, backend.ARRAY_TYPES) and value.__class__ is not kind:
                state[key] = backend.to_device(value, p.device)

    def _update(self, p: Tensor, grad, group: dict, state: dict) -> None:
        raise NotImplementedError

    def state_dict(self) -> dict:
        """torch's layout: {'state': {index: buffers}, 'param_groups': [{..., 'params': [index]}]};
        parameters are numbered in group order. Buffers are the live arrays, as in torch."""
        index = {id(p): i for i, p in enumerate(p for g in self.param_groups for p in g["params"])}
        state = {
            index[key]: {k: v for k, v in buffers.items() if not k.startswith("tmp")}
            for key, buffers in self.state.items()
            if key in index
        }
        groups = [{**g, "params": [index[id(p)] for p in g["params"]]} for g in self.param_groups]
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Take hyper-parameters and buffers (copied, cast to each parameter's dtype and device)."""
        groups = state_dict["param_groups"]
        if [len(g["params"]) for g in groups] != [len(g["params"]) for g in self.param_groups]:
            raise ValueError(
                "loaded state dict's parameter groups do not match this optimizer's in size"
            )
        params = [p for g in self.param_groups for p in g["params"]]
        for group, saved in zip(self.param_groups, groups):
            group.update({k: v for k, v in saved.items() if k != "params"})
        self.state = {}
        for i, buffers in state_dict["state"].items():
            p = params[int(i)]
            self.state[id(p)] = {
                k: backend.to_device(v, p.device).astype(p.array.dtype)  # a copy
                if isinstance(v, backend.ARRAY_TYPES)
                else v
                for k, v in buffers.items()
            }


def scratch(state: dict, like, name: str = "tmp"):
    """A work buffer shaped like ``like``, kept in the state (not saved by ``state_dict``)."""
    buf = state.get(name)
    if buf is None or buf.shape != like.shape or buf.__class__ is not like.__class__:
        buf = state[name] = get_array_module(like).empty_like(like)
    return buf


def lerp_(avg, target, weight: float, tmp) -> None:
    """``avg.lerp_(target, weight)`` in place, with torch's two-branch formula."""
    xp = get_array_module(avg)
    xp.subtract(target, avg, out=tmp)
    if weight < 0.5:
        tmp *= weight
        avg += tmp
    else:
        tmp *= 1 - weight
        xp.subtract(target, tmp, out=avg)


def decay_addcmul_(avg, decay: float, x, y, value: float, tmp) -> None:
    """``avg.mul_(decay).addcmul_(x, y, value=value)``: avg = decay * avg + value * x * y."""
    get_array_module(avg).multiply(x, value, out=tmp)
    tmp *= y
    avg *= decay
    avg += tmp
