"""Differentiable ops, one file per family; each is a `Function` plus a lowercase wrapper."""

from course.ops.elementwise import (
    abs,
    add,
    cast,
    clip,
    clone,
    div,
    eq,
    exp,
    ge,
    gt,
    le,
    log,
    lt,
    maximum,
    minimum,
    mul,
    ne,
    neg,
    pow,
    relu,
    sigmoid,
    sqrt,
    sub,
    sum_to,
    tanh,
    where,
)
from course.ops.matmul import matmul
from course.ops.movement import (
    T,
    broadcast_to,
    cat,
    concatenate,
    expand,
    flatten,
    getitem,
    permute,
    reshape,
    squeeze,
    stack,
    transpose,
    unsqueeze,
)
from course.ops.reduce import amax, amin, argmax, argmin, max, mean, min, sum

__all__ = [
    "T", "abs", "add", "amax", "amin", "argmax", "argmin", "broadcast_to", "cast", "cat", "clone",
    "clip", "concatenate", "div", "eq", "exp", "expand", "flatten", "ge", "getitem", "gt",
    "le", "log", "lt", "matmul", "max", "maximum", "mean", "min", "minimum", "mul", "ne",
    "neg", "permute", "pow", "relu", "reshape", "sigmoid", "sqrt", "squeeze", "stack", "sub",
    "sum", "sum_to", "tanh", "transpose", "unsqueeze", "where",
]  # fmt: skip
