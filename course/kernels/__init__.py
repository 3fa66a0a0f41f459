"""Framework kernels: the LSTM time step and its recurrent matmul, NumPy and CUDA.

What course.ops.rnn calls: one NumPy reference and one CuPy kernel per function, same
signature. Each public function looks at the array module of its inputs: NumPy arrays run
the vectorised reference in ``reference.py``; CuPy arrays run the CUDA kernels in
``cuda.py`` (``ElementwiseKernel``), compiled on first use. Importing this package never
imports CuPy. The fused kernels that lessons 06 and 07 show and time (``bias_relu``,
``im2col``, ...) live in ``course.lesson_kernels``.

>>> import numpy as np
>>> a = np.array([[1.0, 2.0]], np.float32)
>>> for_device(a).matmul_into(a, np.ones((2, 1), np.float32), np.empty((1, 1), np.float32))
array([[3.]], dtype=float32)
"""

from __future__ import annotations

from course import backend
from course.kernels import reference

__all__ = ["for_device", "lstm_step_forward", "lstm_step_backward"]


def for_device(x):
    """The module implementing the kernels for ``x``'s device: ``reference`` or ``cuda``.

    Its functions skip the checks of the public ones here, so an op that validated its
    inputs once can call them in an inner loop (course.ops.rnn does, once per time step).
    """
    if backend.device_of(x) == "cuda":
        from course.kernels import cuda

        return cuda
    return reference


_impl = for_device


def _check_same_device(name: str, *arrays) -> None:
    devices = [backend.device_of(a) for a in arrays]
    if len(set(devices)) > 1:
        raise RuntimeError(
            f"{name}: inputs are on different devices ({', '.join(devices)}); "
            "move them to one device first"
        )


def lstm_step_forward(acts, rec, c_prev, c, tanh_c, h):
    """One LSTM time step in place, as course.ops.rnn runs it; returns (acts, c, tanh_c, h).

    ``acts`` and ``rec`` (B, 4H) are the step's input projection and recurrent term with
    the sigmoid gates' columns halved (sigmoid(z) = tanh(z / 2) / 2 + 1 / 2, so one tanh
    serves all gates). ``acts`` receives the activated gates; ``c``, ``tanh_c`` and ``h``
    (B, H) receive the new cell state, its tanh and the new hidden state.
    """
    _check_same_device("lstm_step_forward", acts, rec, c_prev, c, tanh_c, h)
    _check_lstm_shapes("lstm_step_forward", (acts, rec), (c_prev, c, tanh_c, h))
    return _impl(acts).lstm_step_forward(acts, rec, c_prev, c, tanh_c, h)


def lstm_step_backward(dh, grad_t, dc, dc_from_h, part, f, da):
    """One reverse LSTM time step in place; returns (dh, dc, da).

    dh += grad_t (None adds nothing); dc += dh * dc_from_h; ``da`` (B, 4H) receives
    dc * part for the gates i, f, g and dh * part for o; then dc *= f. ``dc_from_h`` is
    scratch afterwards.
    """
    states = [a for a in (dh, grad_t, dc, dc_from_h, f) if a is not None]
    _check_same_device("lstm_step_backward", part, da, *states)
    _check_lstm_shapes("lstm_step_backward", (part, da), states)
    return _impl(dh).lstm_step_backward(dh, grad_t, dc, dc_from_h, part, f, da)


def _check_lstm_shapes(name: str, gate_arrays, state_arrays) -> None:
    b, hid = state_arrays[0].shape
    if any(a.shape != (b, hid) for a in state_arrays) or any(
        a.shape != (b, 4 * hid) for a in gate_arrays
    ):
        raise ValueError(
            f"{name}: gate arrays {[tuple(a.shape) for a in gate_arrays]} must be (B, 4H) "
            f"and states {[tuple(a.shape) for a in state_arrays]} (B, H)"
        )
