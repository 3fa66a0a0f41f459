"""Reverse-mode automatic differentiation: `Tensor`, `Function` and the backward pass.

A `Function` subclass implements ``forward`` on raw arrays and ``backward`` from the
output gradient to one gradient per input. ``Function.apply`` runs ``forward`` and, when
gradients are wanted, records the inputs so that ``Tensor.backward`` can walk the graph
in reverse topological order.

`Tensor` is one class, its methods grouped by family: state and conversions, arithmetic,
pointwise functions, comparisons, reductions, movement, in-place writes, backward, casts.
Each op method calls the op's lowercase wrapper in ``course.ops``, which sits beside the
op's `Function`. Tensors are created in ``course.creation`` (``course.tensor``, ``zeros`` ...).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, cast, overload

import numpy as np

from course import backend, dtypes
from course.backend import Array
from course.random import generator

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import DTypeLike

    from course.ops.reduce import MaxMin, TopK

    # What binary ops take beside a Tensor: Python numbers and arrays (lifted to tensors).
    Operand: TypeAlias = "Tensor | float | Array"
    Dims: TypeAlias = "int | Sequence[int] | None"  # dims of a reduction; None: all of them

_F = TypeVar("_F", bound=Callable[..., Any])

_new = object.__new__
_generic = np.generic


class _GradMode:
    enabled = True
    # Counts in-place writes (add_, +=, an optimizer step ...). A Function remembers the count
    # when it is recorded, a tensor the count of its last in-place write: a tensor written
    # after a Function saved it is caught in backward (torch's version counter, per tensor).
    epoch = 0
    inference = False  # inside inference_mode() (is_inference_mode_enabled)


_mode = _GradMode()


def is_grad_enabled() -> bool:
    """True unless inside ``no_grad()``."""
    return _mode.enabled


def is_inference_mode_enabled() -> bool:
    """True inside ``inference_mode()``."""
    return _mode.inference


class no_grad:  # noqa: N801 - PyTorch's name
    """Context manager and decorator that records no graph (inference, optimizer steps)."""

    def __enter__(self) -> None:
        self._prev = _mode.enabled
        _mode.enabled = False

    def __exit__(self, *exc: object) -> None:
        _mode.enabled = self._prev

    def __call__(self, fn: _F) -> _F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self._fresh():  # a new one per call: __enter__ keeps state on the instance
                return fn(*args, **kwargs)

        return cast(_F, wrapper)

    def _fresh(self) -> no_grad:
        return type(self)()


class enable_grad(no_grad):  # noqa: N801 - PyTorch's name
    """Context manager that turns gradient recording back on inside ``no_grad()``."""

    def __enter__(self) -> None:
        self._prev = _mode.enabled
        _mode.enabled = True


class inference_mode(no_grad):  # noqa: N801 - PyTorch's name
    """torch's ``inference_mode(mode=True)``: for course the same as ``no_grad()`` (torch also
    skips version counting, a speed-up course has no need of); ``mode=False`` changes nothing.

    A context manager and a decorator, with or without the call: ``@course.inference_mode``.
    """

    def __new__(cls, mode: Any = True) -> Any:
        if callable(mode):  # @inference_mode without parentheses: mode is the function
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode: bool = True) -> None:
        self.mode = mode

    def __enter__(self) -> None:
        self._prev, self._prev_inference = _mode.enabled, _mode.inference
        if self.mode:
            _mode.enabled, _mode.inference = False, True

    def __exit__(self, *exc: object) -> None:
        _mode.enabled, _mode.inference = self._prev, self._prev_inference

    def _fresh(self) -> no_grad:
        return type(self)(self.mode)


class Function:
    """One differentiable op: ``forward`` on arrays, ``backward`` to input gradients.

    Subclasses save what backward needs as attributes of ``self`` in ``forward``.
    ``backward(grad)`` returns one array (or None) per tensor input, in order;
    ``self.needs_grad[i]`` tells whether input ``i`` wants a gradient at all.

    A subclass whose ``forward`` is a staticmethod is one of torch's instead:
    ``forward(ctx, *args)`` and ``backward(ctx, *grads)`` on Tensors, ``ctx.save_for_backward``,
    called as ``MyFn.apply(*args)`` (see course/custom_function.py).
    """

    __slots__ = ("inputs", "needs_grad", "epoch", "__dict__")
    inputs: tuple[Tensor, ...] | None  # set by apply when recording; None once backward ran
    needs_grad: list[bool]
    epoch: int  # _mode.epoch when recorded
    # Whether backward reads the values of the inputs or the output (not only their shapes):
    # then an in-place write to one of them after recording makes backward refuse.
    saves_values = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # torch's style, a static forward(ctx, ...) on Tensors, gets its own apply, chosen once
        # here per class so that the array-style ops' apply stays as it is (the hot path).
        if isinstance(inspect.getattr_static(cls, "forward"), staticmethod):
            from course.custom_function import apply_with_ctx

            cls.apply = classmethod(apply_with_ctx)  # type: ignore[assignment,method-assign]

    def forward(self, *arrays, **kwargs):
        raise NotImplementedError

    def backward(self, grad):
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs: Tensor, **kwargs: Any) -> Tensor:
        """Run the op on tensors, recording the graph when any input needs a gradient."""
        fn = _new(cls)
        if len(inputs) > 1:
            _check_same_device(cls, inputs)
        try:
            out = fn.forward(*[t.array for t in inputs], **kwargs)
        except ValueError as e:  # e.g. NumPy's broadcasting error: say which op raised it
            raise ValueError(f"{cls.__name__}: {e}") from None
        if out.__class__ is not np.ndarray and isinstance(out, _generic):
            out = np.asarray(out)  # NumPy returns scalars from 0-d ops; keep arrays
        if _mode.enabled:
            for t in inputs:
                if t.requires_grad:
                    fn.inputs = inputs
                    fn.needs_grad = [t.requires_grad for t in inputs]
                    fn.epoch = _mode.epoch
                    t = constant(out)
                    t.requires_grad = True
                    t._ctx = fn
                    return t
        return constant(out)

    @property
    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{self.name}Backward>"


def _check_same_device(cls: type[Function], inputs: tuple[Tensor, ...]) -> None:
    kind = inputs[0].array.__class__
    for t in inputs:
        if t.array.__class__ is not kind:
            odd = [t.array for t in inputs if not isinstance(t.array, backend.ARRAY_TYPES)]
            if odd:  # e.g. a NumPy scalar wrapped by constant(): a bug in the caller, not a device
                raise TypeError(
                    f"{cls.__name__}: an input tensor holds a {type(odd[0]).__name__}, not a "
                    "NumPy/CuPy array; wrap arrays only (np.asarray(value)) in course.constant"
                )
            names = ", ".join(backend.device_of(t.array) for t in inputs)
            raise RuntimeError(
                f"{cls.__name__}: tensors are on different devices ({names}); "
                "move them to one device first with .to(device)"
            )


_LEAF_IN_PLACE = (
    "{name}: a leaf Variable that requires grad is being used in an in-place operation. "
    "Update parameters inside `with course.no_grad():` (as optimizers do)"
)


def constant(array: Array) -> Tensor:
    """A tensor holding ``array`` itself (no copy, no checks) that requires no grad.

    How ops, layers and the backward pass wrap arrays they computed; ``course.tensor``
    (which copies and converts Python data) is the constructor for everything else.
    """
    t = _new(Tensor)
    t.array = array
    t.grad = None
    t.requires_grad = False
    t._ctx = None
    t._written = 0
    return t


_QUIET_DTYPES = (np.dtype(np.float32), np.dtype(np.int64), np.dtype(np.bool_))


class Tensor:
    """An n-dimensional array that remembers how it was computed.

    ``array`` is the raw NumPy or CuPy array; ``data``, as in torch, the same values as a
    Tensor cut from the graph (shared memory); ``grad`` a Tensor filled by ``backward()``.
    Build tensors with ``course.tensor`` (see course/creation.py).
    """

    __slots__ = ("array", "grad", "requires_grad", "_ctx", "_written", "__weakref__")
    array: Array  # course-specific: the raw array; torch has no such attribute
    grad: Tensor | None
    requires_grad: bool
    _ctx: Function | None
    _written: int  # _mode.epoch of the last in-place write (0: never written in place)
    __array_priority__ = 1000  # ndarray (op) Tensor defers to Tensor's reflected op
    __hash__ = object.__hash__  # == is elementwise, identity hashing stays

    def __init__(self, data, requires_grad: bool = False):
        if not isinstance(data, backend.ARRAY_TYPES):
            data = backend.as_array(data)
        if requires_grad and data.dtype.kind not in "fc":
            raise RuntimeError(
                f"only floating-point tensors can require gradients, got dtype {data.dtype}"
            )
        self.array = data
        self.grad = None
        self.requires_grad = requires_grad
        self._ctx = None
        self._written = 0

    # ----------------------------------------------------------------- properties
    @property
    def data(self) -> Tensor:
        """torch's ``.data``: the same values (shared memory) as a tensor that requires no grad
        and has no grad_fn; writes through it are not checked by autograd."""
        return constant(self.array)

    @data.setter
    def data(self, value: Tensor | Array) -> None:
        """Make this tensor hold ``value``'s memory (a Tensor's, or a raw NumPy/CuPy array);
        requires_grad, grad and grad_fn stay. ``p.data -= x`` writes in place, then sets back."""
        if isinstance(value, Tensor):
            self.array = value.array
        elif isinstance(value, backend.ARRAY_TYPES):
            self.array = value
        else:
            raise TypeError(
                f"Tensor.data must be set to a Tensor (or a NumPy/CuPy array), not "
                f"{type(value).__name__}: wrap it first, e.g. x.data = course.tensor(value)"
            )

    @property
    def shape(self) -> tuple[int, ...]:
        return self.array.shape

    @property
    def dtype(self) -> dtypes.dtype:
        """torch's dtype object (``course.float32`` ...), equal to the array's NumPy dtype."""
        return dtypes.of(self.array.dtype)

    @property
    def ndim(self) -> int:
        return self.array.ndim

    @property
    def device(self) -> backend.device:
        """``device(type='cpu')`` or ``device(type='cuda')``; it equals ``"cpu"``/``"cuda"``."""
        return backend.DEVICES[backend.device_of(self.array)]

    @property
    def grad_fn(self) -> Function | None:
        return self._ctx

    @property
    def is_leaf(self) -> bool:
        return self._ctx is None

    def size(self, dim: int | None = None):
        return self.array.shape if dim is None else self.array.shape[dim]

    def dim(self) -> int:
        return self.array.ndim

    def numel(self) -> int:
        return int(self.array.size)

    def nelement(self) -> int:
        """numel(): the number of elements."""
        return int(self.array.size)

    def is_contiguous(self) -> bool:
        """Whether the elements lie in memory in row-major order without gaps."""
        return bool(self.array.flags.c_contiguous)

    def __len__(self) -> int:
        if self.array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.array.shape[0]

    # ---------------------------------------------------------------- conversions
    def numpy(self) -> np.ndarray:
        """The values as a NumPy array (shares memory on the CPU; refuses if it needs grad)."""
        if self.requires_grad:
            raise RuntimeError(
                "numpy() on a tensor that requires grad: call .detach().numpy() instead"
            )
        return backend.to_numpy(self.array)

    def item(self):
        """The single value of a one-element tensor as a Python number."""
        if self.array.size != 1:
            raise ValueError(
                f"item() needs a tensor with one element, got shape {tuple(self.shape)}"
            )
        return self.array.item()

    def tolist(self):
        return backend.to_numpy(self.array).tolist()

    def contiguous(self) -> Tensor:
        """self when its memory is row-major without gaps, else such a copy (in the graph)."""
        return self if self.is_contiguous() else ops.clone(self)

    def new_zeros(self, *size: Any, dtype: Any = None, device: Any = None, **kw: Any) -> Tensor:
        """Zeros of ``size`` with this tensor's dtype and device (unless said)."""
        return creation.zeros(*size, **self._like(dtype, device), **kw)

    def new_ones(self, *size: Any, dtype: Any = None, device: Any = None, **kw: Any) -> Tensor:
        """Ones of ``size`` with this tensor's dtype and device (unless said)."""
        return creation.ones(*size, **self._like(dtype, device), **kw)

    def new_empty(self, *size: Any, dtype: Any = None, device: Any = None, **kw: Any) -> Tensor:
        """Uninitialized values of ``size`` with this tensor's dtype and device (unless said)."""
        return creation.empty(*size, **self._like(dtype, device), **kw)

    def new_full(
        self, size: Any, fill_value: Any, dtype: Any = None, device: Any = None, **kw: Any
    ) -> Tensor:
        """``fill_value`` everywhere in ``size``, with this tensor's dtype and device."""
        return creation.full(size, fill_value, **self._like(dtype, device), **kw)

    def new_tensor(self, data: Any, dtype: Any = None, device: Any = None, **kw: Any) -> Tensor:
        """A copy of ``data`` with this tensor's dtype and device (unless said)."""
        return creation.tensor(data, **self._like(dtype, device), **kw)

    def _like(self, dtype: Any, device: Any) -> dict[str, Any]:
        return {
            "dtype": self.dtype if dtype is None else dtype,
            "device": self.device if device is None else device,
        }

    def detach(self) -> Tensor:
        """The same values (shared memory), cut from the graph."""
        return constant(self.array)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if requires_grad and self.array.dtype.kind not in "fc":
            raise RuntimeError(
                f"only floating-point tensors can require gradients, got dtype {self.dtype}"
            )
        self.requires_grad = requires_grad
        return self

    def to(
        self, device: Any = None, dtype: DTypeLike | None = None, non_blocking: bool = False
    ) -> Tensor:
        """A copy on another device and/or with another dtype (self when nothing changes).

        As torch's: ``x.to("cuda")``, ``x.to(course.float64)``, ``x.to(device, dtype)``,
        ``x.to(other)`` (other's device and dtype). ``non_blocking`` is accepted and ignored.
        """
        if isinstance(device, Tensor):
            device, dtype = device.device, device.dtype
        elif isinstance(device, (dtypes.dtype, np.dtype, type)):
            device, dtype = None, device
        out = self
        if device is not None and backend.normalize_device(device) != self.device:
            out = _Transfer.apply(out, device=backend.normalize_device(device))
        if dtype is not None and np.dtype(dtype) != out.dtype:
            out = out.astype(dtype)
        return out

    def cpu(self) -> Tensor:
        return self.to("cpu")

    def cuda(self) -> Tensor:
        return self.to("cuda")

    def __repr__(self) -> str:
        body = np.array2string(backend.to_numpy(self.array), separator=", ", prefix="tensor(")
        extra = ""
        if self.array.dtype not in _QUIET_DTYPES:  # torch names no default dtype
            extra += f", dtype={self.dtype}"
        if self.device != "cpu":
            extra += f", device='{self.device}'"
        if self._ctx is not None:
            extra += f", grad_fn={self._ctx!r}"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        return f"tensor({body}{extra})"

    def __bool__(self) -> bool:
        if self.array.size != 1:
            raise RuntimeError(
                f"truth value of a tensor with {self.array.size} elements is ambiguous: "
                "use .any() or .all()"
            )
        return bool(self.array)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.array.dtype.kind not in "iu" or self.array.size != 1:
            raise TypeError("only integer tensors with one element can be used as an index")
        return int(self.item())

    if not TYPE_CHECKING:  # hidden from mypy, which would otherwise accept any attribute

        def __getattr__(self, name: str) -> Any:
            """Runs only when lookup failed: a torch.Tensor method course lacks is named."""
            from course._missing import missing

            raise missing("'Tensor' object", "Tensor", name)

    # ------------------------------------------------------------- arithmetic
    # Each method calls its op's lowercase wrapper in course/ops (Function + wrapper).
    # Python numbers and arrays beside a tensor are lifted to tensors by the wrapper.
    def __add__(self, other: Operand) -> Tensor:
        return ops.add(self, other)

    def __radd__(self, other: Operand) -> Tensor:
        return ops.add(other, self)

    def __sub__(self, other: Operand) -> Tensor:
        return ops.sub(self, other)

    def __rsub__(self, other: Operand) -> Tensor:
        return ops.sub(other, self)

    def __mul__(self, other: Operand) -> Tensor:
        return ops.mul(self, other)

    def __rmul__(self, other: Operand) -> Tensor:
        return ops.mul(other, self)

    def __truediv__(self, other: Operand) -> Tensor:
        return ops.div(self, other)

    def __rtruediv__(self, other: Operand) -> Tensor:
        return ops.div(other, self)

    def __pow__(self, other: Operand) -> Tensor:
        return ops.pow(self, other)

    def __rpow__(self, other: Operand) -> Tensor:
        return ops.pow(other, self)

    def __floordiv__(self, other: Operand) -> Tensor:
        return ops.floor_divide(self, other)

    def __rfloordiv__(self, other: Operand) -> Tensor:
        return ops.floor_divide(other, self)

    def __mod__(self, other: Operand) -> Tensor:
        return ops.remainder(self, other)

    def __rmod__(self, other: Operand) -> Tensor:
        return ops.remainder(other, self)

    def __matmul__(self, other: Operand) -> Tensor:
        return ops.matmul(self, other)

    def __rmatmul__(self, other: Operand) -> Tensor:
        return ops.matmul(other, self)

    def __neg__(self) -> Tensor:
        return ops.neg(self)

    def __abs__(self) -> Tensor:
        return ops.abs(self)

    def add(self, other: Operand, *, alpha: float = 1) -> Tensor:
        """self + alpha * other."""
        return ops.add(self, other if alpha == 1 else other * alpha)

    def sub(self, other: Operand, *, alpha: float = 1) -> Tensor:
        """self - alpha * other."""
        return ops.sub(self, other if alpha == 1 else other * alpha)

    def mul(self, other: Operand) -> Tensor:
        return ops.mul(self, other)

    def div(self, other: Operand) -> Tensor:
        return ops.div(self, other)

    def pow(self, exponent: Operand) -> Tensor:
        return ops.pow(self, exponent)

    def floor_divide(self, other: Operand) -> Tensor:
        return ops.floor_divide(self, other)

    def remainder(self, other: Operand) -> Tensor:
        return ops.remainder(self, other)

    def matmul(self, other: Operand) -> Tensor:
        return ops.matmul(self, other)

    def neg(self) -> Tensor:
        return ops.neg(self)

    def maximum(self, other: Operand) -> Tensor:
        """The larger of self and other, elementwise."""
        return ops.maximum(self, other)

    def minimum(self, other: Operand) -> Tensor:
        """The smaller of self and other, elementwise."""
        return ops.minimum(self, other)

    # ---------------------------------------------------- pointwise functions
    def exp(self) -> Tensor:
        return ops.exp(self)

    def log(self) -> Tensor:
        return ops.log(self)

    def sqrt(self) -> Tensor:
        return ops.sqrt(self)

    def abs(self) -> Tensor:
        return ops.abs(self)

    def tanh(self) -> Tensor:
        return ops.tanh(self)

    def sigmoid(self) -> Tensor:
        return ops.sigmoid(self)

    def relu(self) -> Tensor:
        return ops.relu(self)

    def softmax(self, dim: int) -> Tensor:
        from course.ops.fused import softmax

        return softmax(self, dim)

    def log_softmax(self, dim: int) -> Tensor:
        from course.ops.fused import log_softmax

        return log_softmax(self, dim)

    def sin(self) -> Tensor:
        return ops.sin(self)

    def cos(self) -> Tensor:
        return ops.cos(self)

    def log1p(self) -> Tensor:
        return ops.log1p(self)

    def expm1(self) -> Tensor:
        return ops.expm1(self)

    def log2(self) -> Tensor:
        return ops.log2(self)

    def log10(self) -> Tensor:
        return ops.log10(self)

    def rsqrt(self) -> Tensor:
        return ops.rsqrt(self)

    def reciprocal(self) -> Tensor:
        return ops.reciprocal(self)

    def square(self) -> Tensor:
        return ops.square(self)

    def sign(self) -> Tensor:
        return ops.sign(self)

    def floor(self) -> Tensor:
        return ops.floor(self)

    def ceil(self) -> Tensor:
        return ops.ceil(self)

    def round(self, decimals: int = 0) -> Tensor:
        return ops.round(self, decimals)

    def clamp(self, min: float | None = None, max: float | None = None) -> Tensor:
        """Every value limited to [min, max]."""
        return ops.clip(self, min, max)

    def clip(self, min: float | None = None, max: float | None = None) -> Tensor:
        """Every value limited to [min, max] (clamp's other name)."""
        return ops.clip(self, min, max)

    def masked_fill(self, mask: Tensor, value: float | Tensor) -> Tensor:
        """``value`` where the bool ``mask`` holds, else self."""
        return ops.masked_fill(self, mask, value)

    def tril(self, diagonal: int = 0) -> Tensor:
        return ops.tril(self, diagonal)

    def triu(self, diagonal: int = 0) -> Tensor:
        return ops.triu(self, diagonal)

    # ------------------------------------------------------------ comparisons
    # Elementwise, giving bool tensors without a gradient; == and != too, as in torch.
    def __eq__(self, other: object) -> Tensor:  # type: ignore[override]  # elementwise
        return ops.eq(self, other)

    def __ne__(self, other: object) -> Tensor:  # type: ignore[override]  # elementwise
        return ops.ne(self, other)

    def __lt__(self, other: Operand) -> Tensor:
        return ops.lt(self, other)

    def __le__(self, other: Operand) -> Tensor:
        return ops.le(self, other)

    def __gt__(self, other: Operand) -> Tensor:
        return ops.gt(self, other)

    def __ge__(self, other: Operand) -> Tensor:
        return ops.ge(self, other)

    def eq(self, other: Operand) -> Tensor:
        return ops.eq(self, other)

    def ne(self, other: Operand) -> Tensor:
        return ops.ne(self, other)

    def lt(self, other: Operand) -> Tensor:
        return ops.lt(self, other)

    def le(self, other: Operand) -> Tensor:
        return ops.le(self, other)

    def gt(self, other: Operand) -> Tensor:
        return ops.gt(self, other)

    def ge(self, other: Operand) -> Tensor:
        return ops.ge(self, other)

    # Logical/bitwise ops on bool and integer tensors (masks): no gradient, so no Function.
    def __and__(self, other: Operand) -> Tensor:
        return self._bitwise("bitwise_and", other)

    def __or__(self, other: Operand) -> Tensor:
        return self._bitwise("bitwise_or", other)

    def __xor__(self, other: Operand) -> Tensor:
        return self._bitwise("bitwise_xor", other)

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    def __invert__(self) -> Tensor:
        return self._bitwise("invert")

    def logical_not(self) -> Tensor:
        return constant(backend.get_array_module(self.array).logical_not(self.array))

    def _bitwise(self, ufunc: str, *other: Operand) -> Tensor:
        arrays = [self.array] + [o.array if isinstance(o, Tensor) else o for o in other]
        for a in arrays:
            if getattr(a, "dtype", np.dtype(bool)).kind not in "biu":
                raise RuntimeError(f'"{ufunc}" is only defined for bool and integer tensors')
        return constant(getattr(backend.get_array_module(self.array), ufunc)(*arrays))

    # ------------------------------------------------------------- reductions
    def sum(self, dim: Dims = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return ops.sum(self, dim, keepdim, **aliases)

    def mean(self, dim: Dims = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return ops.mean(self, dim, keepdim, **aliases)

    def amax(self, dim: Dims = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return ops.amax(self, dim, keepdim, **aliases)

    def amin(self, dim: Dims = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return ops.amin(self, dim, keepdim, **aliases)

    @overload
    def max(self, dim: None = None, keepdim: bool = False, **aliases: Any) -> Tensor: ...
    @overload
    def max(self, dim: Tensor) -> Tensor: ...
    @overload
    def max(self, dim: int, keepdim: bool = False, **aliases: Any) -> MaxMin: ...
    def max(
        self, dim: int | Tensor | None = None, keepdim: bool = False, **aliases: Any
    ) -> Tensor | MaxMin:
        """The largest value; with ``dim``, torch's ``(values, indices)`` along it; with a
        tensor, the elementwise maximum."""
        return ops.max(self, dim, keepdim, **aliases)

    @overload
    def min(self, dim: None = None, keepdim: bool = False, **aliases: Any) -> Tensor: ...
    @overload
    def min(self, dim: Tensor) -> Tensor: ...
    @overload
    def min(self, dim: int, keepdim: bool = False, **aliases: Any) -> MaxMin: ...
    def min(
        self, dim: int | Tensor | None = None, keepdim: bool = False, **aliases: Any
    ) -> Tensor | MaxMin:
        """The smallest value; with ``dim``, torch's ``(values, indices)`` along it; with a
        tensor, the elementwise minimum."""
        return ops.min(self, dim, keepdim, **aliases)

    def argmax(self, dim: int | None = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return ops.argmax(self, dim, keepdim, **aliases)

    def argmin(self, dim: int | None = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return ops.argmin(self, dim, keepdim, **aliases)

    def var(
        self,
        dim: Dims | bool = None,
        unbiased: bool | None = None,
        keepdim: bool = False,
        **kw: Any,
    ) -> Tensor:
        """Variance over ``dim``, Bessel-corrected unless unbiased=False or correction= says."""
        return ops.var(self, dim, unbiased, keepdim, **kw)

    def std(
        self,
        dim: Dims | bool = None,
        unbiased: bool | None = None,
        keepdim: bool = False,
        **kw: Any,
    ) -> Tensor:
        """Standard deviation over ``dim`` (sqrt of var)."""
        return ops.std(self, dim, unbiased, keepdim, **kw)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> TopK:
        """The k largest (smallest) values along ``dim`` and their indices."""
        return ops.topk(self, k, dim, largest, sorted)

    # --------------------------------------------------------------- movement
    def __getitem__(self, index: Any) -> Tensor:
        return ops.getitem(self, index)

    def reshape(self, *shape: int | Sequence[int]) -> Tensor:
        return ops.reshape(self, *shape)

    def view(self, *shape: int | Sequence[int]) -> Tensor:
        """reshape (course keeps no strides of its own: a view when NumPy can make one)."""
        return ops.reshape(self, *shape)

    def view_as(self, other: Tensor) -> Tensor:
        return ops.reshape(self, other.shape)

    def reshape_as(self, other: Tensor) -> Tensor:
        return ops.reshape(self, other.shape)

    def permute(self, *dims: int | Sequence[int]) -> Tensor:
        return ops.permute(self, *dims)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        return ops.transpose(self, dim0, dim1)

    def t(self) -> Tensor:
        """The transpose of a matrix (a tensor with < 2 dims as it is)."""
        return ops.t(self)

    @property
    def T(self) -> Tensor:  # noqa: N802 - PyTorch's name
        """The dims in reverse order."""
        return ops.T(self)

    def squeeze(self, dim: int | Sequence[int] | None = None) -> Tensor:
        return ops.squeeze(self, dim)

    def unsqueeze(self, dim: int) -> Tensor:
        return ops.unsqueeze(self, dim)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        return ops.flatten(self, start_dim, end_dim)

    def broadcast_to(self, *shape: int | Sequence[int]) -> Tensor:
        return ops.broadcast_to(self, *shape)

    def expand(self, *shape: int | Sequence[int]) -> Tensor:
        return ops.expand(self, *shape)

    def expand_as(self, other: Tensor) -> Tensor:
        return ops.expand(self, other.shape)

    def narrow(self, dim: int, start: int, length: int) -> Tensor:
        return ops.narrow(self, dim, start, length)

    def split(self, split_size: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
        return ops.split(self, split_size, dim)

    def chunk(self, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        return ops.chunk(self, chunks, dim)

    def roll(self, shifts: int | Sequence[int], dims: int | Sequence[int] | None = None) -> Tensor:
        return ops.roll(self, shifts, dims)

    # ------------------------------------------------------------------- in place
    # torch's rules: writing in place into a leaf that requires grad, outside no_grad(), is an
    # error (an optimizer step runs inside no_grad); the result is cast to this tensor's dtype
    # when the cast is safe; a tensor written after a recorded op saved it makes backward
    # refuse. A tensor that is part of a graph is not written in place (course does not
    # rebase graphs as torch does): add_() and friends raise, and += on it makes a new
    # tensor, as x = x + y would (other references keep the old value).
    def add_(self, other: Operand, *, alpha: float = 1) -> Tensor:
        """self += alpha * other, in place."""
        value = self._operand(other, "add_")
        return self._ufunc("add", value if alpha == 1 else value * alpha, "add_")

    def sub_(self, other: Operand, *, alpha: float = 1) -> Tensor:
        """self -= alpha * other, in place."""
        value = self._operand(other, "sub_")
        return self._ufunc("subtract", value if alpha == 1 else value * alpha, "sub_")

    def mul_(self, other: Operand) -> Tensor:
        """self *= other, in place."""
        return self._ufunc("multiply", self._operand(other, "mul_"), "mul_")

    def div_(self, other: Operand) -> Tensor:
        """self /= other, in place (true division: an integer tensor cannot hold it)."""
        return self._ufunc("true_divide", self._operand(other, "div_"), "div_")

    def clamp_(self, min: float | None = None, max: float | None = None) -> Tensor:
        """Clip every value into [min, max], in place."""
        if min is None and max is None:
            raise RuntimeError("clamp_: at least one of min and max must be given")
        self._writable("clamp_")
        xp = backend.get_array_module(self.array)
        xp.clip(self.array, min, max, out=self.array)
        return self._wrote()

    def zero_(self) -> Tensor:
        """Fill with zeros, in place."""
        return self.fill_(0)

    def fill_(self, value: float | Tensor) -> Tensor:
        """Fill with ``value``, in place."""
        self._writable("fill_")
        self.array[...] = value.item() if isinstance(value, Tensor) else value
        return self._wrote()

    def copy_(self, src: Tensor | Array) -> Tensor:
        """Copy ``src``'s values (broadcast, converted to this dtype and device) into self."""
        self._writable("copy_", src)
        array = src.array if isinstance(src, Tensor) else src
        array = backend.to_device(array, self.device)
        xp = backend.get_array_module(self.array)
        try:
            xp.copyto(self.array, array, casting="unsafe")
        except ValueError as e:
            raise RuntimeError(
                f"copy_: cannot copy a tensor of shape {tuple(array.shape)} into one of shape "
                f"{tuple(self.shape)} ({e})"
            ) from None
        return self._wrote()

    def normal_(self, mean: float = 0.0, std: float = 1.0) -> Tensor:
        """Fill with samples of N(mean, std^2) from the course generator, in place."""
        self._writable("normal_")
        values = generator().normal(mean, std, size=self.shape)
        self.array[...] = backend.to_device(values.astype(self.dtype, copy=False), self.device)
        return self._wrote()

    def uniform_(self, a: float = 0.0, b: float = 1.0) -> Tensor:
        """Fill with samples of U[a, b) from the course generator, in place."""
        self._writable("uniform_")
        values = generator().uniform(a, b, size=self.shape)
        self.array[...] = backend.to_device(values.astype(self.dtype, copy=False), self.device)
        return self._wrote()

    def __setitem__(self, index: Any, value: Operand) -> None:
        """``x[index] = value``, in place (``value`` broadcast and cast to this dtype)."""
        self._writable("x[index] = value (__setitem__)", value)
        index, _ = ops.movement._index_data(index, self.device)
        array = value.array if isinstance(value, Tensor) else value
        if not isinstance(array, (int, float, complex)):  # Python numbers go in as they are
            array = backend.to_device(array, self.device)
        try:
            self.array[index] = array
        except ValueError as e:
            raise RuntimeError(f"x[index] = value: {e}") from None
        self._wrote()

    def __iadd__(self, other: Operand) -> Tensor:
        return self + other if self._in_graph(other, "+=") else self.add_(other)

    def __isub__(self, other: Operand) -> Tensor:
        return self - other if self._in_graph(other, "-=") else self.sub_(other)

    def __imul__(self, other: Operand) -> Tensor:
        return self * other if self._in_graph(other, "*=") else self.mul_(other)

    def __itruediv__(self, other: Operand) -> Tensor:
        return self / other if self._in_graph(other, "/=") else self.div_(other)

    def _in_graph(self, other: object, name: str) -> bool:
        """Whether ``self <name>= other`` must build a graph (then it is done out of place)."""
        if not _mode.enabled:
            return False
        if self.requires_grad and self._ctx is None:
            raise RuntimeError(_LEAF_IN_PLACE.format(name=f"x {name} ..."))
        return self.requires_grad or (isinstance(other, Tensor) and other.requires_grad)

    def _writable(self, name: str, other: object = None) -> None:
        """Refuse an in-place write that autograd could not follow, or into shared memory."""
        if not backend.writeable(self.array):
            raise RuntimeError(
                f"{name}: this tensor's memory is read-only (a broadcast or expand view, whose "
                "elements share memory): clone() it first"
            )
        if not _mode.enabled:
            return
        if self.requires_grad and self._ctx is None:
            raise RuntimeError(_LEAF_IN_PLACE.format(name=name))
        if self.requires_grad or (isinstance(other, Tensor) and other.requires_grad):
            raise RuntimeError(
                f"{name}: an in-place operation on a tensor that is part of the autograd graph "
                "(or with an operand that requires grad) is not supported by course (torch "
                "rebases the graph); write it out of place, e.g. x = x.add(y), or do it inside "
                "`with course.no_grad():`"
            )

    def _operand(self, other: object, name: str) -> Array:
        self._writable(name, other)
        if isinstance(other, Tensor):
            if other.array.__class__ is not self.array.__class__:
                raise RuntimeError(
                    f"{name}: tensors are on different devices ({self.device}, {other.device})"
                )
            return other.array
        return other

    def _ufunc(self, ufunc: str, value: object, name: str) -> Tensor:
        xp = backend.get_array_module(self.array)
        try:
            getattr(xp, ufunc)(self.array, value, out=self.array)
        except TypeError:  # NumPy refuses the cast back into self's dtype
            result = xp.result_type(self.array, value)
            raise RuntimeError(
                f"{name}: result type {result} can't be cast to the desired output type "
                f"{self.dtype}"
            ) from None
        except ValueError as e:
            shape = tuple(getattr(value, "shape", ()))
            raise RuntimeError(
                f"{name}: output with shape {tuple(self.shape)} doesn't match the broadcast "
                f"shape of {tuple(self.shape)} and {shape}"
            ) from e
        return self._wrote()

    def _wrote(self) -> Tensor:
        """Note an in-place write (see _GradMode.epoch); returns self."""
        _mode.epoch += 1
        self._written = _mode.epoch
        return self

    # ------------------------------------------------------------------- backward
    def backward(self, gradient: Tensor | Array | None = None, retain_graph: bool = False) -> None:
        """Accumulate d(self)/d(leaf) into ``leaf.grad`` for every leaf that requires grad.

        ``gradient`` is d(loss)/d(self); it may be left out only for a one-element tensor.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() on a tensor that does not require grad: no input had "
                "requires_grad=True, or it was computed inside no_grad()"
            )
        if gradient is None:
            if self.array.size != 1:
                raise RuntimeError(
                    f"backward() on a tensor of shape {tuple(self.shape)} needs a gradient: "
                    "pass one of that shape, t.backward(gradient), or reduce first, "
                    "e.g. t.sum().backward()"
                )
            xp = backend.get_array_module(self.array)
            grad = xp.ones(self.array.shape, dtype=self.array.dtype)
        else:
            grad = gradient.array if isinstance(gradient, Tensor) else gradient
            if tuple(grad.shape) != self.array.shape:
                raise RuntimeError(
                    f"backward(): gradient has shape {tuple(grad.shape)} but the tensor has "
                    f"shape {tuple(self.shape)}"
                )
            if grad.dtype != self.array.dtype:
                grad = grad.astype(self.array.dtype)
        _run_backward(self, grad, retain_graph, seed_is_ours=gradient is None)

    # ---------------------------------------------------------- copies, casts
    def clone(self) -> Tensor:
        """A copy in new memory that stays in the graph."""
        return ops.clone(self)

    def astype(self, dtype: DTypeLike) -> Tensor:
        """A copy with another dtype (differentiable between float types)."""
        return ops.cast(self, dtype)

    def type(self, dtype: DTypeLike) -> Tensor:
        return ops.cast(self, dtype)

    def type_as(self, other: Tensor) -> Tensor:
        """self cast to ``other``'s dtype."""
        return ops.cast(self, other.dtype)

    # Last in the class: below these, `float`, `int` and `bool` in annotations name methods.
    def double(self) -> Tensor:
        return ops.cast(self, np.float64)

    def long(self) -> Tensor:
        return ops.cast(self, np.int64)

    def float(self) -> Tensor:
        return ops.cast(self, np.float32)

    def int(self) -> Tensor:
        return ops.cast(self, np.int32)

    def bool(self) -> Tensor:
        return ops.cast(self, np.bool_)


def _topological_order(root: Tensor) -> list[Tensor]:
    """Non-leaf tensors reachable from root, each after every tensor that uses it."""
    order: list[Tensor] = []
    seen: set[int] = set()
    stack = [(root, False)]
    while stack:
        t, expanded = stack.pop()
        if expanded:
            order.append(t)
            continue
        # Mark on visit, not on push: a tensor pushed early but first reached through a
        # longer path must still finish before every tensor that uses it.
        if id(t) in seen:
            continue
        seen.add(id(t))
        stack.append((t, True))
        assert t._ctx is not None  # only tensors with a grad_fn are pushed
        inputs = t._ctx.inputs
        if inputs is None:
            raise RuntimeError(
                "trying to backward through the graph a second time: its saved values were "
                "freed by the first backward(); pass retain_graph=True the first time"
            )
        for p in inputs:
            if p._ctx is not None and p.requires_grad and id(p) not in seen:
                stack.append((p, False))
    order.reverse()
    return order


def _run_backward(root: Tensor, grad: Array, retain_graph: bool, seed_is_ours: bool = True) -> None:
    # Arrays already stored in a leaf's .grad, or owned by the caller (a seed they passed,
    # which Add and reshapes hand on unchanged): a leaf gets a copy of those.
    handed_out: set[int] = set() if seed_is_ours else {id(grad)}
    if root._ctx is None:  # a leaf: its gradient is the seed itself
        _accumulate_leaf(root, grad, handed_out)
        return
    grads = {id(root): grad}
    for t in _topological_order(root):
        fn = t._ctx
        g = grads.pop(id(t), None)
        if g is None:
            continue
        assert fn is not None and fn.inputs is not None  # _topological_order made sure
        if fn.epoch != _mode.epoch and fn.saves_values:  # something was written in place since
            _check_not_written(t, fn)
        in_grads = fn.backward(g)
        if len(fn.inputs) == 1:
            in_grads = (in_grads,) if not isinstance(in_grads, tuple) else in_grads
        for inp, ig in zip(fn.inputs, in_grads):
            if ig is None or not inp.requires_grad:
                continue
            if ig.__class__ is not np.ndarray and isinstance(ig, _generic):
                ig = np.asarray(ig)  # 0-d arithmetic gives NumPy scalars: a gradient is an array
            if ig.dtype != inp.array.dtype:
                ig = ig.astype(inp.array.dtype)
            if ig.shape != inp.array.shape:
                raise RuntimeError(
                    f"{fn.name}.backward returned a gradient of shape {ig.shape} for an input "
                    f"of shape {inp.array.shape}"
                )
            if inp._ctx is None:
                _accumulate_leaf(inp, ig, handed_out)
            else:
                key = id(inp)
                prev = grads.get(key)
                grads[key] = ig if prev is None else prev + ig
        if not retain_graph:
            fn.inputs = None
            fn.__dict__.clear()


def _check_not_written(out: Tensor, fn: Function) -> None:
    """Refuse to differentiate ``fn`` when its output or an input was written in place after
    ``fn`` was recorded: its saved values are no longer the ones it computed with."""
    assert fn.inputs is not None
    for i, t in enumerate((out, *fn.inputs)):
        if t._written > fn.epoch:
            what = "output" if i == 0 else f"input {i - 1}"
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: the {what} of {fn.name}Backward, a {t.dtype} tensor of "
                f"shape {tuple(t.shape)}, was written in place after {fn.name} saved it. "
                "Hint: write it after backward(), or out of place (x = x + y)"
            )


def _accumulate_leaf(leaf: Tensor, g: Array, handed_out: set[int]) -> None:
    if leaf.grad is None:
        # Never store one array in two places or a read-only view: users may edit .grad in place.
        if id(g) in handed_out or not backend.writeable(g):
            g = g.copy()
        handed_out.add(id(g))
        leaf.grad = constant(g)
    else:
        total = leaf.grad.array + g
        if total.__class__ is not np.ndarray and isinstance(total, _generic):
            total = np.asarray(total)  # two 0-d arrays add up to a NumPy scalar
        leaf.grad = constant(total)


class _Transfer(Function):
    """Copy between devices; the gradient travels back."""

    saves_values = False  # backward needs shapes only

    def forward(self, x, device):
        self.source = backend.device_of(x)
        return backend.to_device(x, device)

    def backward(self, grad):
        return backend.to_device(grad, self.source)


# Last: the ops subclass Function and build Tensors (both above); Tensor's methods call them.
from course import creation, ops  # noqa: E402
