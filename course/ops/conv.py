"""2-D convolution (im2col + one GEMM) and max/average pooling on strided views.

Layout: tensors are NCHW, as in PyTorch, but convolution works channels-last inside. The
input is padded into an NHWC buffer, its patches are copied once into a matrix of rows
(n, y, x) and columns (ky, kx, c), and one GEMM with the weight gives the output as an
(N*Ho*Wo, Cout) matrix, i.e. NHWC memory. We hand that back as an NCHW-shaped *view*
(no transpose copy); elementwise ops and pooling keep that memory order, so the next
convolution reads its input channels-last for free.
"""

from __future__ import annotations

from course.autograd import Function
from course.backend import get_array_module


def out_size(size: int, k: int, stride: int, padding: int, dilation: int = 1) -> int:
    """Output length of a sliding window: floor((size + 2p - d(k-1) - 1) / s) + 1."""
    return (size + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def _window(buf, i, j, ho, wo, stride, axes):
    """The strided view of ``buf`` read by kernel offset (i, j) (already scaled by dilation)."""
    sy, sx = stride
    index = [slice(None)] * buf.ndim
    index[axes[0]] = slice(i, i + sy * (ho - 1) + 1, sy)
    index[axes[1]] = slice(j, j + sx * (wo - 1) + 1, sx)
    return buf[tuple(index)]


class Conv2d(Function):
    """out[n, o, y, x] = sum_{c,ky,kx} w[o, c, ky, kx] * xpad[n, c, y*s+ky*d, x*s+kx*d] + b[o]."""

    def forward(self, x, w, b=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1)):
        xp = get_array_module(x)
        n, c, h, wd = x.shape
        cout, _, kh, kw = w.shape
        (py, px), (dy, dx) = padding, dilation
        ho = out_size(h, kh, stride[0], py, dy)
        wo = out_size(wd, kw, stride[1], px, dx)
        x_nhwc = x.transpose(0, 2, 3, 1)  # free when x came from a previous conv
        if py or px:
            buf = xp.zeros((n, h + 2 * py, wd + 2 * px, c), dtype=x.dtype)
            buf[:, py : py + h, px : px + wd] = x_nhwc
        else:
            buf = x_nhwc
        cols = xp.empty((n, ho, wo, kh, kw, c), dtype=x.dtype)
        for i in range(kh):
            for j in range(kw):
                cols[:, :, :, i, j] = _window(buf, i * dy, j * dx, ho, wo, stride, (1, 2))
        cols = cols.reshape(n * ho * wo, kh * kw * c)
        w_mat = w.transpose(0, 2, 3, 1).reshape(cout, -1)  # (Cout, ky*kx*c): a small copy
        out = cols @ w_mat.T
        if b is not None:
            out += b
        self.cols, self.w_mat = cols, w_mat
        self.geometry = (x.shape, w.shape, ho, wo, stride, padding, dilation)
        return out.reshape(n, ho, wo, cout).transpose(0, 3, 1, 2)

    def backward(self, grad):
        xp = get_array_module(grad)
        x_shape, w_shape, ho, wo, stride, (py, px), (dy, dx) = self.geometry
        n, c, h, wd = x_shape
        cout, _, kh, kw = w_shape
        g = grad.transpose(0, 2, 3, 1).reshape(-1, cout)  # free for NHWC-ordered grads
        need = self.needs_grad
        gw = gb = gx = None
        if need[1]:
            gw = (g.T @ self.cols).reshape(cout, kh, kw, c).transpose(0, 3, 1, 2).copy()
        if len(need) > 2 and need[2]:
            gb = g.sum(axis=0)
        if need[0]:
            dcols = (g @ self.w_mat).reshape(n, ho, wo, kh, kw, c)
            gbuf = xp.zeros((n, h + 2 * py, wd + 2 * px, c), dtype=grad.dtype)
            for i in range(kh):  # col2im: one strided add per kernel offset
                for j in range(kw):
                    _window(gbuf, i * dy, j * dx, ho, wo, stride, (1, 2))[...] += dcols[
                        :, :, :, i, j
                    ]
            gx = gbuf[:, py : py + h, px : px + wd].transpose(0, 3, 1, 2)
        return (gx, gw) if len(need) == 2 else (gx, gw, gb)


class MaxPool2d(Function):
    """out = max over each window; the gradient goes to the first maximum, as PyTorch."""

    def forward(self, x, kernel, stride, padding):
        xp = get_array_module(x)
        (kh, kw), (py, px) = kernel, padding
        n, c, h, w = x.shape
        ho, wo = out_size(h, kh, stride[0], py), out_size(w, kw, stride[1], px)
        if py or px:
            buf = xp.full((n, c, h + 2 * py, w + 2 * px), -xp.inf, dtype=x.dtype)
            buf[:, :, py : py + h, px : px + w] = x
        else:
            buf = x
        out = idx = None
        for k in range(kh * kw):  # running max; strict > keeps the first winner
            v = _window(buf, k // kw, k % kw, ho, wo, stride, (2, 3))
            if out is None:
                out = v.copy()
                idx = xp.zeros(out.shape, dtype=xp.int8 if kh * kw < 128 else xp.int32)
                continue
            xp.copyto(idx, k, where=v > out)
            xp.maximum(out, v, out=out)
        self.idx, self.x = idx, x
        self.geometry = (buf.shape, kernel, stride, padding, ho, wo)
        return out

    def backward(self, grad):
        xp = get_array_module(grad)
        buf_shape, (kh, kw), stride, (py, px), ho, wo = self.geometry
        x = self.x
        disjoint = stride[0] >= kh and stride[1] >= kw
        if py or px:
            gbuf = xp.zeros(buf_shape, dtype=grad.dtype)
        elif disjoint and stride == (kh, kw) and x.shape[2:] == (ho * kh, wo * kw):
            gbuf = xp.empty_like(x)  # the windows tile x: every element is written below
        else:
            gbuf = xp.zeros_like(x)  # keeps x's memory order (channels-last after a conv)
        hit = xp.empty(grad.shape, dtype=bool)
        for k in range(kh * kw):
            xp.equal(self.idx, k, out=hit)
            view = _window(gbuf, k // kw, k % kw, ho, wo, stride, (2, 3))
            if disjoint:  # windows do not overlap: write straight into the gradient
                xp.multiply(grad, hit, out=view)
            else:
                view += grad * hit
        h, w = x.shape[2:]
        return gbuf[:, :, py : py + h, px : px + w] if py or px else gbuf


class AvgPool2d(Function):
    """out = mean over each window (zero padding counts, as PyTorch's default)."""

    def forward(self, x, kernel, stride, padding):
        xp = get_array_module(x)
        (kh, kw), (py, px) = kernel, padding
        n, c, h, w = x.shape
        ho, wo = out_size(h, kh, stride[0], py), out_size(w, kw, stride[1], px)
        if py or px:
            buf = xp.zeros((n, c, h + 2 * py, w + 2 * px), dtype=x.dtype)
            buf[:, :, py : py + h, px : px + w] = x
        else:
            buf = x
        out = _window(buf, 0, 0, ho, wo, stride, (2, 3)).copy()
        for k in range(1, kh * kw):
            out += _window(buf, k // kw, k % kw, ho, wo, stride, (2, 3))
        out *= x.dtype.type(1 / (kh * kw))
        self.geometry = (x.shape, buf.shape, kernel, stride, padding, ho, wo)
        return out

    def backward(self, grad):
        xp = get_array_module(grad)
        x_shape, buf_shape, (kh, kw), stride, (py, px), ho, wo = self.geometry
        gbuf = xp.zeros(buf_shape, dtype=grad.dtype)
        share = grad * grad.dtype.type(1 / (kh * kw))
        for k in range(kh * kw):
            _window(gbuf, k // kw, k % kw, ho, wo, stride, (2, 3))[...] += share
        h, w = x_shape[2:]
        return gbuf[:, :, py : py + h, px : px + w] if py or px else gbuf
