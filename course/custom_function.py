"""torch-style custom autograd Functions: static ``forward(ctx, ...)`` and ``backward(ctx, ...)``.

>>> import course
>>> class Square(course.autograd.Function):
...     @staticmethod
...     def forward(ctx, x):
...         ctx.save_for_backward(x)
...         return x * x
...
...     @staticmethod
...     def backward(ctx, grad_output):
...         (x,) = ctx.saved_tensors
...         return 2 * x * grad_output
>>> x = course.tensor([1.0, 3.0], requires_grad=True)
>>> Square.apply(x).sum().backward()
>>> x.grad
tensor([2., 6.])

`Function.__init_subclass__` gives such a class `apply_with_ctx` as its ``apply``. As in torch,
forward runs on Tensors with gradients off, its outputs get one backward node, and backward
maps the outputs' gradients (Tensors) to one gradient (a Tensor or None) per argument of
``apply``. The node is an array-style `Function` (`_CtxBackward`), so the backward pass walks
it like any op. With several outputs each gets a node of its own and backward runs once for
each output that receives a gradient (zeros for the others): the sum is the same, by linearity.
"""

from __future__ import annotations

import inspect
from typing import Any

from course.autograd import Function, Tensor, _mode, constant, no_grad


class FunctionCtx:
    """The ``ctx`` that forward fills and backward reads (torch's ``FunctionCtx``).

    ``ctx.save_for_backward(*tensors)`` keeps tensors for ``ctx.saved_tensors``; any other
    attribute (``ctx.limit = 3.0``) is kept as set; ``ctx.needs_input_grad[i]`` tells whether
    argument ``i`` of ``apply`` is a tensor that requires grad.
    """

    needs_input_grad: tuple[bool, ...]

    def __init__(self) -> None:
        self._saved: tuple[Tensor | None, ...] = ()
        self._non_differentiable: set[int] = set()
        self.materialize_grads = True

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep ``tensors`` (or None) for backward, where ``ctx.saved_tensors`` gives them."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    f"save_for_backward can only save tensors, but argument {i} is of type "
                    f"{type(t).__name__}; keep other values as attributes (ctx.name = value)"
                )
        self._saved = tensors

    @property
    def saved_tensors(self) -> tuple[Tensor | None, ...]:
        return self._saved

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        """Outputs (returned by forward) that get no gradient, e.g. indices."""
        self._non_differentiable.update(id(t) for t in tensors)

    def set_materialize_grads(self, value: bool) -> None:
        """False: backward gets None, not zeros, for an output that received no gradient."""
        self.materialize_grads = value

    def mark_dirty(self, *tensors: Tensor) -> None:
        raise NotImplementedError(
            "ctx.mark_dirty (a custom Function that writes its inputs in place) is not "
            "supported by course: return a new tensor from forward instead"
        )


def apply_with_ctx(cls: Any, *args: Any, **kwargs: Any) -> Any:
    """Run ``cls.forward(ctx, *args)`` on Tensors without recording, then give its tensor
    outputs one backward node each, when a tensor argument requires grad."""
    if kwargs:  # as torch: bound to forward's parameters, so that they count as arguments
        params = inspect.signature(cls.forward).bind(None, *args, **kwargs)
        params.apply_defaults()
        args = params.args[1:]
    ctx = FunctionCtx()
    ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
    setup_context = inspect.getattr_static(cls, "setup_context", None)
    with no_grad():
        if setup_context is not None:  # torch 2's split: forward(*args), then setup_context
            output = cls.forward(*args)
            cls.setup_context(ctx, args, output)
        else:
            output = cls.forward(ctx, *args)
    outputs = output if isinstance(output, tuple) else (output,)
    record = _mode.enabled and any(ctx.needs_input_grad)
    inputs = tuple(a for a in args if isinstance(a, Tensor))
    results = []
    for i, out in enumerate(outputs):
        if not isinstance(out, Tensor):
            results.append(out)
            continue
        t = constant(out.array)  # a new tensor: forward may return one of its inputs
        if record and out.array.dtype.kind in "fc" and id(out) not in ctx._non_differentiable:
            node = _CtxBackward.__new__(_CtxBackward)
            node.inputs, node.epoch = inputs, _mode.epoch
            node.needs_grad = [a.requires_grad for a in inputs]
            node.cls, node.ctx, node.args, node.index = cls, ctx, args, i
            node.outputs = [o.array if isinstance(o, Tensor) else None for o in outputs]
            t.requires_grad, t._ctx = True, node
        results.append(t)
    return tuple(results) if isinstance(output, tuple) else results[0]


class _CtxBackward(Function):
    """The backward node of output ``index`` of a torch-style Function ``cls``."""

    cls: Any  # the torch-style Function subclass (its forward/backward are static)
    ctx: FunctionCtx
    args: tuple[Any, ...]
    index: int
    outputs: list[Any]  # forward's outputs: their arrays, None for a non-tensor

    @property
    def name(self) -> str:
        return self.cls.__name__

    def backward(self, grad):
        grads: list[Tensor | None] = []
        for i, out in enumerate(self.outputs):
            if i == self.index:
                grads.append(constant(grad))
            elif out is None or not self.ctx.materialize_grads:
                grads.append(None)
            else:
                grads.append(constant(out * 0))  # zeros of out's shape, dtype and device
        with no_grad():
            result = self.cls.backward(self.ctx, *grads)
        result = result if isinstance(result, tuple) else (result,)
        n = len(self.args)
        if len(result) < n or any(g is not None for g in result[n:]):
            raise RuntimeError(
                f"function {self.name}Backward returned an incorrect number of gradients "
                f"(expected {n}, got {len(result)}): one per argument of apply, None for "
                "those that need none"
            )
        arrays = []
        for i, (arg, g) in enumerate(zip(self.args, result)):
            if not isinstance(arg, Tensor):
                if g is not None:
                    raise RuntimeError(
                        f"function {self.name}Backward returned a gradient different than None "
                        f"at position {i + 1}, but the corresponding forward input was not a "
                        "Tensor"
                    )
                continue
            if g is not None and not isinstance(g, Tensor):
                raise TypeError(
                    f"function {self.name}Backward returned a {type(g).__name__} at position "
                    f"{i + 1}: a gradient must be a Tensor or None"
                )
            arrays.append(None if g is None else g.array)
        return tuple(arrays)
