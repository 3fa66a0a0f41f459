"""CUDA versions of the framework kernels, written with CuPy's ``ElementwiseKernel``.

Only imported when an input is a CuPy array, so this module never needs CuPy on a CPU
machine. Each kernel is built once per process (``functools.cache``); CuPy compiles it
on its first call and caches the binary on disk. The array module comes from the inputs
(``get_array_module``), so CuPy is still imported in one place only: ``course.backend``.

What course.ops.rnn runs per time step on the GPU:
- ``lstm_step_forward`` / ``lstm_step_backward``: one launch each instead of eight and six
  (launches, not bytes, bound a step).
- ``matmul_into``: the recurrent product, through CuPy's ``dot``.

The CUDA versions of the lesson kernels live in ``course.lesson_kernels.cuda``.
"""

from __future__ import annotations

import functools

from course.backend import get_array_module


@functools.cache
def _lstm_step_forward_kernel(cp):
    # One thread per (b, j) of the (B, H) state; it reads the four gates of its column from
    # the (B, 4H) rows of acts and rec (pre-activations with the sigmoid gates halved) and
    # writes the activated gates back into acts: one launch per step instead of eight.
    return cp.ElementwiseKernel(
        "T c_prev, raw T rec, int32 hid",
        "T c, T tanh_c, T h, raw T acts",
        """
        const ptrdiff_t k = (i / hid) * 4 * hid + i % hid;
        const T gi = tanh(acts[k] + rec[k]) * (T)0.5 + (T)0.5;
        const T gf = tanh(acts[k + hid] + rec[k + hid]) * (T)0.5 + (T)0.5;
        const T gg = tanh(acts[k + 2 * hid] + rec[k + 2 * hid]);
        const T go = tanh(acts[k + 3 * hid] + rec[k + 3 * hid]) * (T)0.5 + (T)0.5;
        acts[k] = gi;
        acts[k + hid] = gf;
        acts[k + 2 * hid] = gg;
        acts[k + 3 * hid] = go;
        const T cn = gf * c_prev + gi * gg;
        const T tc = tanh(cn);
        c = cn;
        tanh_c = tc;
        h = go * tc;
        """,
        "course_lstm_step_forward",
    )


_LSTM_BACKWARD_BODY = """
    const ptrdiff_t k = (i / hid) * 4 * hid + i % hid;
    const T dht = dh{add_grad};
    const T dct = dc + dht * dc_from_h;
    da[k] = dct * part[k];
    da[k + hid] = dct * part[k + hid];
    da[k + 2 * hid] = dct * part[k + 2 * hid];
    da[k + 3 * hid] = dht * part[k + 3 * hid];
    dh = dht;
    dc = dct * f;
"""


@functools.cache
def _lstm_step_backward_kernel(cp, with_grad: bool):
    # One thread per (b, j): the output gradient, the cell gradient and all four gate
    # gradients of one step in one launch instead of six.
    inputs = (
        "T g, T dc_from_h, T f, raw T part, int32 hid"
        if with_grad
        else ("T dc_from_h, T f, raw T part, int32 hid")
    )
    return cp.ElementwiseKernel(
        inputs,
        "T dh, T dc, raw T da",
        _LSTM_BACKWARD_BODY.format(add_grad=" + g" if with_grad else ""),
        "course_lstm_step_backward" + ("_grad" if with_grad else ""),
    )


def matmul_into(a, b, out):
    # dot, not matmul: CuPy's matmul goes through its gufunc machinery, several us more
    # host time per launch, and a time step is launch-bound.
    return get_array_module(a).dot(a, b, out=out)


def lstm_step_forward(acts, rec, c_prev, c, tanh_c, h):
    cp = get_array_module(acts)
    _lstm_step_forward_kernel(cp)(c_prev, rec, c.shape[1], c, tanh_c, h, acts)
    return acts, c, tanh_c, h


def lstm_step_backward(dh, grad_t, dc, dc_from_h, part, f, da):
    cp = get_array_module(dh)
    hid = dh.shape[1]
    if grad_t is None:
        _lstm_step_backward_kernel(cp, False)(dc_from_h, f, part, hid, dh, dc, da)
    else:
        _lstm_step_backward_kernel(cp, True)(grad_t, dc_from_h, f, part, hid, dh, dc, da)
    return dh, dc, da
