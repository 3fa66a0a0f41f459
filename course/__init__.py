"""course: a deep-learning framework built from scratch, for speed, checked against PyTorch.

>>> import course
>>> x = course.tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> (x * x).sum().backward()
>>> x.grad
tensor([2., 4., 6.])

``course.nn``, ``course.optim``, ``course.functional``, ``course.data`` and ``course.utils.data``
come with ``import course``, as torch's do. Importing changes nothing outside the package: the
malloc tuning that training and timing want is an explicit, process-wide call,
``course.keep_freed_memory()``.
"""

from course.allocator import keep_freed_memory
from course.autograd import (
    Function,
    Tensor,
    constant,
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
)
from course.backend import device
from course.creation import (
    arange,
    empty,
    empty_like,
    from_numpy,
    full,
    full_like,
    linspace,
    logspace,
    multinomial,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)

# torch's dtype names; float, int and bool shadow the builtins in this module, as in torch.
from course.dtypes import (
    bool,
    cdouble,
    cfloat,
    complex64,
    complex128,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    short,
    uint8,
)
from course.ops import (
    abs,
    add,
    amax,
    amin,
    argmax,
    argmin,
    broadcast_to,
    cat,
    ceil,
    chunk,
    clip,
    concatenate,
    cos,
    div,
    exp,
    expm1,
    flatten,
    floor,
    floor_divide,
    log,
    log1p,
    log2,
    log10,
    masked_fill,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    mul,
    narrow,
    neg,
    permute,
    pow,
    reciprocal,
    relu,
    remainder,
    reshape,
    roll,
    round,
    rsqrt,
    sigmoid,
    sign,
    sin,
    split,
    sqrt,
    square,
    squeeze,
    stack,
    std,
    sub,
    sum,
    t,
    tanh,
    topk,
    transpose,
    tril,
    triu,
    unsqueeze,
    var,
    where,
)
from course.ops.fused import log_softmax, softmax
from course.random import Generator, manual_seed
from course.serialization import load, save

clamp = clip

__version__ = "0.1.0"

__all__ = [
    "Function", "Generator", "Tensor", "abs", "add", "amax", "amin", "arange", "argmax", "argmin",
    "bool", "broadcast_to", "cat", "cdouble", "ceil", "cfloat", "chunk", "clamp", "clip",
    "complex128", "complex64", "concatenate", "constant", "cos", "device", "div", "double", "dtype",
    "empty", "empty_like", "enable_grad", "exp", "expm1", "flatten", "float", "float16", "float32",
    "float64", "floor", "floor_divide", "from_numpy", "full", "full_like", "half", "inference_mode",
    "int", "int16", "int32", "int64", "int8", "is_grad_enabled", "is_inference_mode_enabled",
    "keep_freed_memory", "linspace", "load", "log", "log10", "log1p", "log2", "log_softmax",
    "logspace", "long",
    "manual_seed", "masked_fill", "matmul", "max", "maximum", "mean", "min", "minimum", "mul",
    "multinomial", "narrow", "neg", "no_grad", "normal", "ones", "ones_like", "permute", "pow",
    "rand", "rand_like", "randint", "randint_like", "randn", "randn_like", "randperm", "reciprocal",
    "relu", "remainder", "reshape", "roll", "round", "rsqrt", "save", "short", "sigmoid", "sign",
    "sin", "softmax", "split", "sqrt", "square", "squeeze", "stack", "std", "sub", "sum", "t",
    "tanh",
    "tensor", "topk", "transpose", "tril", "triu", "uint8", "unsqueeze", "var", "where", "zeros",
    "zeros_like",
]  # fmt: skip

# The submodules, reachable after ``import course`` as torch's are (course.nn.Linear,
# course.optim.SGD ...). Last: they import names defined above from this package.
from course import autograd as autograd  # noqa: E402
from course import cuda as cuda  # noqa: E402
from course import data as data  # noqa: E402
from course import functional as functional  # noqa: E402
from course import nn as nn  # noqa: E402
from course import optim as optim  # noqa: E402
from course import random as random  # noqa: E402
from course import utils as utils  # noqa: E402


def __getattr__(name: str):
    """A name torch has and course lacks: say so (see course/_missing.py)."""
    from course._missing import missing

    raise missing("module 'course'", "torch", name)
