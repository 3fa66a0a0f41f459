"""Recurrent layers `RNN`, `LSTM` and `GRU` with PyTorch's weight names, shapes and gate order."""

from __future__ import annotations

import math

from course import functional as F  # noqa: N812 - PyTorch's convention
from course import ops
from course.autograd import Tensor, constant
from course.backend import get_array_module
from course.nn import init
from course.nn.layers import _empty
from course.nn.module import Module
from course.ops.rnn import gru_sequence, lstm_sequence, rnn_sequence


class _RecurrentBase(Module):
    gates = 1

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        if bidirectional:
            raise NotImplementedError(f"{type(self).__name__}: bidirectional is not implemented")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, dropout
        rows = self.gates * hidden_size
        for k in range(num_layers):
            setattr(self, f"weight_ih_l{k}", _empty(rows, input_size if k == 0 else hidden_size))
            setattr(self, f"weight_hh_l{k}", _empty(rows, hidden_size))
            if bias:
                setattr(self, f"bias_ih_l{k}", _empty(rows))
                setattr(self, f"bias_hh_l{k}", _empty(rows))
        self.reset_parameters()
        self._factory(device, dtype)

    def reset_parameters(self) -> None:
        """Every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch."""
        bound = 1 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    def _layer_params(self, k: int) -> list[Tensor]:
        names = ["weight_ih", "weight_hh"] + (["bias_ih", "bias_hh"] if self.bias else [])
        return [getattr(self, f"{n}_l{k}") for n in names]

    def _prepare(self, x: Tensor, states: tuple):
        """Input as (T, B, I) and initial states as (layers, B, H); tells if unbatched."""
        name = type(self).__name__
        if x.ndim not in (2, 3) or x.shape[-1] != self.input_size:
            raise RuntimeError(
                f"{name}: expected input (T, B, {self.input_size})"
                f"{' with batch_first' if self.batch_first else ''}, got shape {tuple(x.shape)}"
            )
        unbatched = x.ndim == 2
        if unbatched:
            x = ops.unsqueeze(x, 1)
        elif self.batch_first:
            x = ops.transpose(x, 0, 1)
        batch = x.shape[1]
        expect = (self.num_layers, batch, self.hidden_size)
        out = []
        for s in states:
            if s is None:
                xp = get_array_module(x.array)
                s = constant(xp.zeros(expect, dtype=x.dtype))
            elif unbatched:
                s = ops.unsqueeze(s, 1)
            if tuple(s.shape) != expect:
                raise RuntimeError(
                    f"{name}: initial state must have shape {expect}, got {tuple(s.shape)}"
                )
            out.append(s)
        return x, out, unbatched

    def _finish(self, x: Tensor, unbatched: bool) -> Tensor:
        if unbatched:
            return ops.squeeze(x, 1)
        return ops.transpose(x, 0, 1) if self.batch_first else x

    def _between_layers(self, x: Tensor, k: int) -> Tensor:
        if self.dropout and self.training and k < self.num_layers - 1:
            return F.dropout(x, self.dropout, True)
        return x

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        return s + (f", dropout={self.dropout}" if self.dropout else "")


class RNN(_RecurrentBase):
    """h_t = tanh(x_t @ W_ih.T + b_ih + h_{t-1} @ W_hh.T + b_hh); returns (output, h_n)."""

    nonlinearity: str  # "tanh" or "relu": set through __dict__, before Module.__init__

    def __init__(self, *args, nonlinearity: str = "tanh", **kwargs) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: nonlinearity must be 'tanh' or 'relu', not {nonlinearity!r}")
        self.__dict__["nonlinearity"] = nonlinearity
        super().__init__(*args, **kwargs)

    def forward(self, x: Tensor, hx: Tensor | None = None):
        x, (h0,), unbatched = self._prepare(x, (hx,))
        last = []
        for k in range(self.num_layers):
            out = rnn_sequence(x, h0[k], *self._layer_params(k), nonlinearity=self.nonlinearity)
            last.append(out[-1])
            x = self._between_layers(out, k)
        h_n = ops.stack(last)
        return self._finish(x, unbatched), (ops.squeeze(h_n, 1) if unbatched else h_n)


class LSTM(_RecurrentBase):
    """LSTM with gates i, f, g, o; returns (output, (h_n, c_n)) as torch.nn.LSTM."""

    gates = 4

    def forward(self, x: Tensor, hx: tuple[Tensor, Tensor] | None = None):
        h0, c0 = (None, None) if hx is None else hx
        x, (h0, c0), unbatched = self._prepare(x, (h0, c0))
        hs, cs = [], []
        for k in range(self.num_layers):
            out, h_t, c_t = lstm_sequence(x, h0[k], c0[k], *self._layer_params(k))
            hs.append(h_t)
            cs.append(c_t)
            x = self._between_layers(out, k)
        h_n, c_n = ops.stack(hs), ops.stack(cs)
        if unbatched:
            h_n, c_n = ops.squeeze(h_n, 1), ops.squeeze(c_n, 1)
        return self._finish(x, unbatched), (h_n, c_n)


class GRU(_RecurrentBase):
    """GRU with gates r, z, n; returns (output, h_n) as torch.nn.GRU.

    n = tanh(x W_in.T + b_in + r * (h W_hn.T + b_hn)); h' = (1 - z) * n + z * h.
    """

    gates = 3

    def forward(self, x: Tensor, hx: Tensor | None = None):
        x, (h0,), unbatched = self._prepare(x, (hx,))
        last = []
        for k in range(self.num_layers):
            out = gru_sequence(x, h0[k], *self._layer_params(k))
            last.append(out[-1])
            x = self._between_layers(out, k)
        h_n = ops.stack(last)
        return self._finish(x, unbatched), (ops.squeeze(h_n, 1) if unbatched else h_n)
