"""Whole-sequence recurrent layers (tanh/ReLU RNN, LSTM and GRU) as single fused Functions.

One layer over the whole sequence is one graph node. The input projection of all time
steps is one GEMM; each step adds ONE matmul ``h @ W_hh.T`` and a few in-place array
calls on preallocated buffers. Backward runs the time loop in reverse with one GEMM per
step and gets the weight gradients from one GEMM over all steps at the end.

A Function has one output, so a layer returns its hidden states with the final cell
state stacked after them (LSTM: ``(T + 1, B, H)``); the wrapper ``lstm_sequence`` slices them
apart. Each Function is followed by its checked lowercase wrapper (``rnn_sequence``,
``lstm_sequence``, ``gru_sequence``), which ``course.nn.rnn`` calls once per layer.
"""

from __future__ import annotations

from course import kernels
from course.autograd import Function, Tensor
from course.backend import get_array_module


def _project(x, w_ih, b_ih, b_hh, scale=None):
    """(x @ W_ih.T + b_ih + b_hh) * scale for all time steps at once: (T, B, G)."""
    t, b, _ = x.shape
    x2 = x.reshape(t * b, -1)
    if scale is not None:  # scaling the weights is cheaper than scaling the result
        w_ih = w_ih * scale[:, None]
    out = x2 @ w_ih.T
    if b_ih is not None:
        bias = b_ih + b_hh
        if scale is not None:
            bias *= scale
        out += bias
    return x2, out.reshape(t, b, -1)


def _weight_grads(fn, da, hs):
    """Gradients of x, W_ih, W_hh and the biases from the gate gradients ``da`` (T, B, G)."""
    t, b, gates = da.shape
    need = fn.needs_grad
    da2 = da.reshape(t * b, gates)
    gx = (da2 @ fn.w_ih).reshape(fn.x_shape) if need[0] else None
    gw_ih = da2.T @ fn.x2 if need[fn.first_weight] else None
    gw_hh = da2.T @ hs.reshape(t * b, -1) if need[fn.first_weight + 1] else None
    if len(need) == fn.first_weight + 2:
        return gx, gw_ih, gw_hh
    gb = da2.sum(axis=0)
    return gx, gw_ih, gw_hh, gb, gb


def _checked_params(
    op: str,
    gates: int,
    x: Tensor,
    states: dict[str, Tensor],
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None,
    b_hh: Tensor | None,
) -> list[Tensor]:
    """The weights, and the biases when given, as the Function takes them, after checking
    every shape against x (T, B, I) and w_hh (gates * H, H); ``states`` are (B, H)."""
    if (b_ih is None) != (b_hh is None):
        raise ValueError(f"{op}: give both biases b_ih and b_hh, or neither")
    if x.ndim != 3 or w_hh.ndim != 2:
        raise RuntimeError(
            f"{op}: needs x of shape (T, B, I) and w_hh of shape ({gates} * H, H), got shapes "
            f"{tuple(x.shape)} and {tuple(w_hh.shape)}"
        )
    _, batch, inputs = x.shape
    hidden = w_hh.shape[1]
    rows = gates * hidden
    expected: dict[str, tuple[int, ...]] = dict.fromkeys(states, (batch, hidden))
    expected.update(w_ih=(rows, inputs), w_hh=(rows, hidden), b_ih=(rows,), b_hh=(rows,))
    given = {**states, "w_ih": w_ih, "w_hh": w_hh, "b_ih": b_ih, "b_hh": b_hh}
    for name, t in given.items():
        if t is not None and tuple(t.shape) != expected[name]:
            raise RuntimeError(
                f"{op}: {name} has shape {tuple(t.shape)}, expected {expected[name]} for x of "
                f"shape {tuple(x.shape)} and hidden size {hidden}"
            )
    return [t for t in (w_ih, w_hh, b_ih, b_hh) if t is not None]


class RNNSequence(Function):
    """h_t = act(x_t @ W_ih.T + b_ih + h_{t-1} @ W_hh.T + b_hh); output (T, B, H) of h_1..h_T."""

    first_weight = 2  # inputs: x, h0, w_ih, w_hh[, b_ih, b_hh]

    def forward(self, x, h0, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
        xp = get_array_module(x)
        self.x2, pre = _project(x, w_ih, b_ih, b_hh)
        matmul_into = kernels.for_device(x).matmul_into
        steps = x.shape[0]
        hs = xp.empty((steps + 1,) + h0.shape, dtype=x.dtype)
        hs[0] = h0
        w_hh_t = xp.ascontiguousarray(w_hh.T)
        tmp = xp.empty_like(h0)
        for t in range(steps):
            matmul_into(hs[t], w_hh_t, tmp)
            h = xp.add(pre[t], tmp, out=hs[t + 1])
            if nonlinearity == "tanh":
                xp.tanh(h, out=h)
            else:
                xp.maximum(h, 0, out=h)
        self.hs, self.w_ih, self.w_hh, self.x_shape = hs, w_ih, w_hh, x.shape
        self.tanh = nonlinearity == "tanh"
        return hs[1:]

    def backward(self, grad):
        xp = get_array_module(grad)
        hs = self.hs
        out = hs[1:]
        if self.tanh:
            deriv = out * out
            xp.subtract(1, deriv, out=deriv)
        else:
            deriv = (out > 0).astype(out.dtype)
        da = xp.empty_like(out)
        dh = xp.empty_like(hs[0])
        dh_next = xp.zeros_like(hs[0])
        matmul_into = kernels.for_device(grad).matmul_into
        for t in range(grad.shape[0] - 1, -1, -1):
            xp.add(grad[t], dh_next, out=dh)
            xp.multiply(dh, deriv[t], out=da[t])
            matmul_into(da[t], self.w_hh, dh_next)
        gx, *rest = _weight_grads(self, da, hs[:-1])
        return (gx, dh_next if self.needs_grad[1] else None, *rest)


def rnn_sequence(
    x: Tensor,
    h0: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
    *,
    nonlinearity: str = "tanh",
) -> Tensor:
    """h_1..h_T (T, B, H) of one tanh/ReLU RNN layer over x (T, B, I) from h0 (B, H)."""
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(
            f"rnn_sequence: nonlinearity must be 'tanh' or 'relu', not {nonlinearity!r}"
        )
    params = _checked_params("rnn_sequence", 1, x, {"h0": h0}, w_ih, w_hh, b_ih, b_hh)
    return RNNSequence.apply(x, h0, *params, nonlinearity=nonlinearity)


class LSTMSequence(Function):
    """One LSTM layer over a sequence, gates in PyTorch's order i, f, g, o.

    i, f, o = sigmoid(.), g = tanh(.); c_t = f * c_{t-1} + i * g; h_t = o * tanh(c_t).
    Output (T + 1, B, H): h_1..h_T, then c_T.
    """

    first_weight = 3  # inputs: x, h0, c0, w_ih, w_hh[, b_ih, b_hh]

    def forward(self, x, h0, c0, w_ih, w_hh, b_ih=None, b_hh=None):
        xp = get_array_module(x)
        impl = kernels.for_device(x)
        step, matmul_into = impl.lstm_step_forward, impl.matmul_into  # NumPy, or CUDA launches
        steps, hidden = x.shape[0], h0.shape[1]
        # sigmoid(z) = 0.5 * tanh(z / 2) + 0.5: scale the sigmoid gates' columns by 1/2 (in
        # the weights, once), then ONE tanh over the 4H block per step (see the kernel).
        scale = xp.full(4 * hidden, 0.5, dtype=x.dtype)
        scale[2 * hidden : 3 * hidden] = 1
        self.x2, acts = _project(x, w_ih, b_ih, b_hh, scale)
        w_hh_t = xp.ascontiguousarray((w_hh * scale[:, None]).T)
        hs = xp.empty((steps + 2,) + h0.shape, dtype=x.dtype)  # h0, h_1..h_T, c_T
        cs = xp.empty((steps + 1,) + c0.shape, dtype=x.dtype)  # c0, c_1..c_T
        tanh_cs = xp.empty((steps,) + c0.shape, dtype=x.dtype)
        hs[0], cs[0] = h0, c0
        rec = xp.empty_like(acts[0])
        for t in range(steps):
            matmul_into(hs[t], w_hh_t, rec)
            step(acts[t], rec, cs[t], cs[t + 1], tanh_cs[t], hs[t + 1])
        hs[steps + 1] = cs[steps]
        self.acts, self.hs, self.cs, self.tanh_cs = acts, hs, cs, tanh_cs
        self.w_ih, self.w_hh, self.x_shape = w_ih, w_hh, x.shape
        return hs[1:]

    def backward(self, grad):
        xp = get_array_module(grad)
        acts, cs, tanh_cs = self.acts, self.cs, self.tanh_cs
        steps, batch, gates = acts.shape
        hidden = gates // 4
        a4 = acts.reshape(steps, batch, 4, hidden)
        f, o = a4[:, :, 1], a4[:, :, 3]
        # Vectorised over all steps: d(gate)/d(pre-activation) times the factor that
        # multiplies dc (for i, f, g) or dh (for o) in the chain rule. Whole-block passes
        # first (contiguous, so fast), then the g block and the partners.
        part = xp.subtract(1, acts)
        part *= acts  # sigmoid' = s (1 - s): right for i, f and o
        p4 = part.reshape(steps, batch, 4, hidden)
        xp.multiply(a4[:, :, 2], a4[:, :, 2], out=p4[:, :, 2])
        xp.subtract(1, p4[:, :, 2], out=p4[:, :, 2])  # tanh' = 1 - g^2
        p4[:, :, 0:3:2] *= a4[:, :, 2::-2]  # i's partner is g and g's is i: one call
        p4[:, :, 1] *= cs[:-1]
        p4[:, :, 3] *= tanh_cs
        dc_from_h = tanh_cs * tanh_cs  # dh_t -> dc_t: o * (1 - tanh(c)^2)
        xp.subtract(1, dc_from_h, out=dc_from_h)
        dc_from_h *= o

        da = xp.empty_like(acts)
        impl = kernels.for_device(grad)
        step, matmul_into = impl.lstm_step_backward, impl.matmul_into  # NumPy, or CUDA launches
        dh = xp.zeros_like(tanh_cs[0])  # dh_{t+1} -> dh_t: holds W_hh's share, then adds grad[t]
        dc = grad[steps].copy()
        # Many-to-one models use only h_T: then no output gradient needs adding per step.
        outputs_used = bool(grad[: steps - 1].any())
        for t in range(steps - 1, -1, -1):
            grad_t = grad[t] if outputs_used or t == steps - 1 else None
            step(dh, grad_t, dc, dc_from_h[t], part[t], f[t], da[t])
            matmul_into(da[t], self.w_hh, dh)
        gx, *rest = _weight_grads(self, da, self.hs[:steps])
        need = self.needs_grad
        return (gx, dh if need[1] else None, dc if need[2] else None, *rest)


def lstm_sequence(
    x: Tensor,
    h0: Tensor,
    c0: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
) -> tuple[Tensor, Tensor, Tensor]:
    """(h_1..h_T, h_T, c_T) of one LSTM layer over x (T, B, I) from h0, c0 (B, H)."""
    states = {"h0": h0, "c0": c0}
    params = _checked_params("lstm_sequence", 4, x, states, w_ih, w_hh, b_ih, b_hh)
    z = LSTMSequence.apply(x, h0, c0, *params)
    steps = x.shape[0]
    return z[:steps], z[steps - 1], z[steps]  # z stacks h_1..h_T and then c_T


class GRUSequence(Function):
    """One GRU layer over a sequence, gates in PyTorch's order r, z, n.

    r, z = sigmoid(x W_i{r,z}.T + b_i{r,z} + h W_h{r,z}.T + b_h{r,z});
    n = tanh(x W_in.T + b_in + r * (h W_hn.T + b_hn)); h' = (1 - z) * n + z * h.
    Output (T, B, H): h_1..h_T.
    """

    first_weight = 2  # inputs: x, h0, w_ih, w_hh[, b_ih, b_hh]

    def forward(self, x, h0, w_ih, w_hh, b_ih=None, b_hh=None):
        xp = get_array_module(x)
        matmul_into = kernels.for_device(x).matmul_into
        steps, hidden = x.shape[0], h0.shape[1]
        b_hn = None
        if b_ih is not None:  # b_hr and b_hz join the projection; b_hn stays inside r * (.)
            b_hn = b_hh[2 * hidden :]
            b_hh = b_hh.copy()
            b_hh[2 * hidden :] = 0
        self.x2, gi = _project(x, w_ih, b_ih, b_hh)
        w_hh_t = xp.ascontiguousarray(w_hh.T)
        hs = xp.empty((steps + 1,) + h0.shape, dtype=x.dtype)  # h0, h_1..h_T
        hs[0] = h0
        rz = xp.empty((steps,) + h0.shape[:1] + (2 * hidden,), dtype=x.dtype)
        ns = xp.empty((steps,) + h0.shape, dtype=x.dtype)
        hns = xp.empty((steps,) + h0.shape, dtype=x.dtype)  # h W_hn.T + b_hn
        rec = xp.empty_like(gi[0])
        for t in range(steps):
            matmul_into(hs[t], w_hh_t, rec)
            a = xp.add(gi[t, :, : 2 * hidden], rec[:, : 2 * hidden], out=rz[t])
            a *= 0.5  # sigmoid(a) = 0.5 * tanh(a / 2) + 0.5: no overflow for large |a|
            xp.tanh(a, out=a)
            a *= 0.5
            a += 0.5
            r, z = a[:, :hidden], a[:, hidden:]
            hn = hns[t]
            hn[...] = rec[:, 2 * hidden :]
            if b_hn is not None:
                hn += b_hn
            n = xp.multiply(r, hn, out=ns[t])
            n += gi[t, :, 2 * hidden :]
            xp.tanh(n, out=n)
            h = xp.subtract(hs[t], n, out=hs[t + 1])  # h' = n + z * (h - n)
            h *= z
            h += n
        self.hs, self.rz, self.ns, self.hns = hs, rz, ns, hns
        self.w_ih, self.w_hh, self.x_shape = w_ih, w_hh, x.shape
        return hs[1:]

    def backward(self, grad):
        xp = get_array_module(grad)
        hs, rz, ns, hns = self.hs, self.rz, self.ns, self.hns
        steps, batch, hidden = ns.shape
        r, z = rz[:, :, :hidden], rz[:, :, hidden:]
        # Vectorised over all steps: the factors that turn dh_t into each pre-activation's
        # gradient (r's goes through n's).
        dn_coef = xp.subtract(1, ns * ns)  # tanh' = 1 - n^2
        dn_coef *= xp.subtract(1, z)
        dz_coef = xp.subtract(hs[:-1], ns)
        dz_coef *= z
        dz_coef *= xp.subtract(1, z)  # sigmoid' = s (1 - s)
        dr_coef = xp.subtract(1, r)
        dr_coef *= r
        dr_coef *= hns
        dgi = xp.empty((steps, batch, 3 * hidden), dtype=grad.dtype)  # d(x W_ih.T + b_ih)
        dgh = xp.empty_like(dgi)  # d(h W_hh.T + b_hh)
        matmul_into = kernels.for_device(grad).matmul_into
        dh = xp.empty_like(hs[0])
        dh_next = xp.zeros_like(hs[0])
        rec = xp.empty_like(hs[0])
        for t in range(steps - 1, -1, -1):
            xp.add(grad[t], dh_next, out=dh)
            da_r, da_z = dgi[t, :, :hidden], dgi[t, :, hidden : 2 * hidden]
            da_n = dgi[t, :, 2 * hidden :]
            xp.multiply(dh, dn_coef[t], out=da_n)
            xp.multiply(dh, dz_coef[t], out=da_z)
            xp.multiply(da_n, dr_coef[t], out=da_r)
            dgh[t, :, : 2 * hidden] = dgi[t, :, : 2 * hidden]
            xp.multiply(da_n, r[t], out=dgh[t, :, 2 * hidden :])
            matmul_into(dgh[t], self.w_hh, rec)
            xp.multiply(dh, z[t], out=dh_next)
            dh_next += rec
        need = self.needs_grad
        dgi2, dgh2 = dgi.reshape(steps * batch, -1), dgh.reshape(steps * batch, -1)
        gx = (dgi2 @ self.w_ih).reshape(self.x_shape) if need[0] else None
        gw_ih = dgi2.T @ self.x2 if need[2] else None
        gw_hh = dgh2.T @ hs[:-1].reshape(steps * batch, -1) if need[3] else None
        grads = [gx, dh_next if need[1] else None, gw_ih, gw_hh]
        if len(need) == 6:
            grads += [dgi2.sum(axis=0) if need[4] else None, dgh2.sum(axis=0) if need[5] else None]
        return tuple(grads)


def gru_sequence(
    x: Tensor,
    h0: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
) -> Tensor:
    """h_1..h_T (T, B, H) of one GRU layer over x (T, B, I) from h0 (B, H)."""
    params = _checked_params("gru_sequence", 3, x, {"h0": h0}, w_ih, w_hh, b_ih, b_hh)
    return GRUSequence.apply(x, h0, *params)
