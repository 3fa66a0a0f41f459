"""NumPy references of the framework kernels (the LSTM time step and its recurrent matmul).

Vectorised, dtype-preserving, easy to read. Written with ``xp = get_array_module(x)`` so
they also run (unfused) on CuPy arrays, which is how the GPU tests compare a kernel with
its reference on the same device. The references of the lesson kernels live in
``course.lesson_kernels.reference``.
"""

from __future__ import annotations

import functools

from course.backend import get_array_module


@functools.lru_cache(maxsize=16)  # one entry per (batch size, hidden size, dtype)
def _gate_affine(xp, batch: int, hid: int, dtype):
    """(scale, shift), each (batch, 4H): 0.5 and 0.5 in the columns of the sigmoid gates
    i, f, o, 1 and 0 in those of the tanh gate g, so sigmoid(z) = tanh(z / 2) * 0.5 + 0.5
    for the halved z. Full (batch, 4H) arrays, not rows that broadcast: a same-shape
    multiply of (32, 512) took 1.8 us, a broadcast one 3.3 us (2-core EPYC)."""
    scale = xp.full((batch, 4 * hid), 0.5, dtype=dtype)
    scale[:, 2 * hid : 3 * hid] = 1
    shift = scale.copy()
    shift[:, 2 * hid : 3 * hid] = 0
    return scale, shift


def matmul_into(a, b, out):
    """out = a @ b for 2-D operands: the recurrent product of one time step.

    NumPy's matmul, not dot: with ``out`` it cost 1.5-6.5 us less per call at the LSTM
    benchmark's (32, 128) @ (128, 512), measured on a 2-core EPYC (CuPy's dot is the
    cheaper launch, see ``cuda.matmul_into``).
    """
    return get_array_module(a).matmul(a, b, out=out)


def lstm_step_forward(acts, rec, c_prev, c, tanh_c, h):
    """One LSTM step in place; returns (acts, c, tanh_c, h), the arrays it wrote.

    ``acts`` (B, 4H) holds this step's input projection and ``rec`` (B, 4H) the recurrent
    term h_{t-1} @ W_hh.T, both with the sigmoid gates' columns already halved, so ONE tanh
    serves all four gates. ``acts`` gets the activated gates (i, f, g, o), then c, tanh(c)
    and h = o * tanh(c) are written into the (B, H) arrays ``c``, ``tanh_c`` and ``h``.
    """
    xp = get_array_module(acts)
    hid = c.shape[1]
    scale, shift = _gate_affine(xp, acts.shape[0], hid, acts.dtype)
    acts += rec
    xp.tanh(acts, out=acts)
    acts *= scale
    acts += shift
    i, f, g, o = (acts[:, k * hid : (k + 1) * hid] for k in range(4))
    xp.multiply(f, c_prev, out=c)
    c += xp.multiply(i, g, out=tanh_c)  # tanh_c is scratch until the next line
    xp.tanh(c, out=tanh_c)
    xp.multiply(o, tanh_c, out=h)
    return acts, c, tanh_c, h


def lstm_step_backward(dh, grad_t, dc, dc_from_h, part, f, da):
    """One reverse LSTM step in place; returns (dh, dc, da), the arrays it wrote.

    dh += grad_t (the loss's gradient for h_t; None adds nothing); dc += dh * dc_from_h;
    the gate gradients go into ``da`` (B, 4H): dc * part for i, f, g and dh * part for o;
    last dc *= f, which makes dc the gradient for c_{t-1}. ``dc_from_h`` is scratch: its
    values are undefined afterwards.
    """
    xp = get_array_module(dh)
    b, hid = dh.shape
    if grad_t is not None:
        dh += grad_t
    dc += xp.multiply(dh, dc_from_h, out=dc_from_h)
    da4, part4 = da.reshape(b, 4, hid), part.reshape(b, 4, hid)
    xp.multiply(dc[:, None, :], part4[:, :3], out=da4[:, :3])
    xp.multiply(dh, part4[:, 3], out=da4[:, 3])
    dc *= f
    return dh, dc, da


__all__ = ["matmul_into", "lstm_step_forward", "lstm_step_backward"]
