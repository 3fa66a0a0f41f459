"""2-D convolution (im2col + one GEMM) and max/average pooling on strided views.

Layout: tensors are NCHW, as in PyTorch, but convolution works channels-last inside. The
input is padded into an NHWC buffer, its patches are copied once into a matrix of rows
(n, y, x) and columns (ky, kx, c) (and a column of ones: the bias is the weight's last row,
so the GEMM adds it), and one GEMM with the weight gives the output as an
(N*Ho*Wo, Cout) matrix, i.e. NHWC memory. We hand that back as an NCHW-shaped *view*
(no transpose copy); elementwise ops and pooling keep that memory order, so the next
convolution reads its input channels-last for free.

A first layer (fewer than 8 input channels) runs as one piece up to 64 MiB of working set
(_parallel.FIRST_LAYER_BYTES) and puts the batch inside each pixel instead, HWNC: one pixel
of every image is one contiguous run of N*Cout values, so the pooling that follows reads and
writes its windows in long runs. Pooling hands HWNC input back as NHWC, which the next
convolution reads fastest.

Each `Function` is followed by its checked lowercase wrapper (``conv2d``, ``max_pool2d``,
``avg_pool2d``), which ``course.functional`` re-exports.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from course.autograd import Function, Tensor, constant
from course.backend import get_array_module
from course.ops import _blas, _parallel
from course.ops._parallel import chunks, map_chunks
from course.ops.elementwise import masked
from course.ops.movement import cat


def out_size(size: int, k: int, stride: int, padding: int, dilation: int = 1) -> int:
    """Output length of a sliding window: floor((size + 2p - d(k-1) - 1) / s) + 1."""
    return (size + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def pool_out_size(size: int, k: int, stride: int, padding: int, ceil_mode: bool) -> int:
    """Output length of pooling; ``ceil_mode`` rounds up, keeping a last window that starts
    inside the input or its left padding, as torch."""
    if not ceil_mode:
        return out_size(size, k, stride, padding)
    n = -(-(size + 2 * padding - k) // stride) + 1
    return n - 1 if (n - 1) * stride >= size + padding else n


def int_pair(v, name: str) -> tuple[int, int]:
    """``v`` (an int or two ints) as a pair; ``name`` says which argument in the error."""
    if isinstance(v, int):
        return (v, v)
    v = tuple(int(n) for n in v)
    if len(v) != 2:
        raise ValueError(f"{name} must be an int or a pair of ints, got {v}")
    return v


def _window(buf, i, j, ho, wo, stride, axes):
    """The strided view of ``buf`` read by kernel offset (i, j) (already scaled by dilation)."""
    sy, sx = stride
    index = [slice(None)] * buf.ndim
    index[axes[0]] = slice(i, i + sy * (ho - 1) + 1, sy)
    index[axes[1]] = slice(j, j + sx * (wo - 1) + 1, sx)
    return buf[tuple(index)]


class Conv2d(Function):
    """out[n, o, y, x] = sum_{c,ky,kx} w[o, c, ky, kx] * xpad[n, c, y*s+ky*d, x*s+kx*d] + b[o].

    On the CPU a large batch runs in cache-sized chunks on a small thread pool (ops/_parallel.py):
    each chunk's im2col matrix is made, multiplied and dropped while it is still in cache, and the
    backward makes it again rather than keeping the whole batch's (tens of MB) alive.
    """

    def forward(self, x, w, b=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1)):
        xp = get_array_module(x)
        n, c, h, wd = x.shape
        cout, _, kh, kw = w.shape
        ho = out_size(h, kh, stride[0], padding[0], dilation[0])
        wo = out_size(wd, kw, stride[1], padding[1], dilation[1])
        w_mat = w.transpose(0, 2, 3, 1).reshape(cout, -1)  # (Cout, ky*kx*c): a small copy
        out = xp.empty((n * ho * wo, cout), dtype=xp.result_type(x.dtype, w.dtype))
        # The bias as one more row of the weight, against a column of ones in the im2col
        # matrix: the GEMM adds it (no pass over the output), and the backward's weight GEMM
        # sums the bias gradient in its last row (no GEMV).
        w_t = w_mat.T if b is None else xp.concatenate([w_mat.T, b.reshape(1, cout)])
        self.w_mat, self.bias = w_mat, b is not None
        self.geometry = (x.shape, w.shape, ho, wo, stride, padding, dilation)

        slices = self._chunks(xp, out.dtype.itemsize)
        # One chunk (a small batch, or CuPy): keep its im2col matrix for the backward, as
        # small batches have memory to spare. Several: each is dropped as soon as it is used
        # and made again in the backward, so no more than the pool's chunks are alive at once.
        keep = len(slices) == 1
        # One chunk of an input with few channels (a first layer, on images): batch inside
        # each pixel, HWNC, where a pixel of every image is one contiguous run of N*Cout values.
        # The pooling that usually follows reads and writes its windows in runs that long, and
        # im2col copies runs of a whole row of pixels. With more channels im2col reads HWNC
        # slowly (2.5x NHWC at 16), so the output is NHWC.
        self.hwnc = keep and c < _FEW_CHANNELS
        self.x_f = x.transpose((2, 3, 0, 1) if self.hwnc else (0, 2, 3, 1))  # often free
        if self.hwnc:
            self.cols = self._cols(slice(None))
            xp.matmul(self.cols, w_t, out=out)
            return out.reshape(ho, wo, n, cout).transpose(2, 3, 0, 1)

        def chunk(s):
            rows = out[s.start * ho * wo : s.stop * ho * wo]
            cols = self._cols(s)
            xp.matmul(cols, w_t, out=rows)
            return cols if keep else None

        self.cols = map_chunks(chunk, slices)[0]
        return out.reshape(n, ho, wo, cout).transpose(0, 3, 1, 2)

    def _chunks(self, xp, itemsize):
        """Chunks of the batch: a chunk's im2col matrix and output are CHUNK_BYTES at most.

        A first layer (few input channels) runs whole up to FIRST_LAYER_BYTES: its im2col
        matrix is narrow (9c + 1 columns), its GEMM is bound by writing the output anyway, and
        one piece writes HWNC, where the ReLU and pooling after it run long inner loops.
        """
        (n, c, _, _), (cout, _, kh, kw), ho, wo = self.geometry[:4]
        per_sample = ho * wo * (kh * kw * c + cout) * itemsize
        if c < _FEW_CHANNELS and n * per_sample <= _parallel.FIRST_LAYER_BYTES:
            return [slice(0, n)]
        return chunks(n, per_sample, xp)

    def _cols(self, s):
        """The im2col matrix of the samples ``s``: rows (n, y, x), or (y, x, n) in HWNC;
        columns (ky, kx, c), then a column of ones if there is a bias."""
        x_shape, w_shape, ho, wo, stride, padding, dilation = self.geometry
        axes = (0, 1) if self.hwnc else (1, 2)
        buf = _padded(self.x_f if self.hwnc else self.x_f[s], axes, padding, 0)
        return _im2col(buf, w_shape[2:], ho, wo, stride, dilation, self.bias, axes)

    def _cols_of(self, s):
        """The im2col matrix of chunk ``s``: the one the forward kept, or made again."""
        return self.cols if self.cols is not None else self._cols(s)

    def backward(self, grad):
        xp = get_array_module(grad)
        x_shape, w_shape, ho, wo, stride, (py, px), dilation = self.geometry
        n, c, h, wd = x_shape
        cout, _, kh, kw = w_shape
        need = self.needs_grad
        want_b = len(need) > 2 and need[2]
        w_k = None
        # the forward's chunks: one when it kept its im2col matrix
        slices = [slice(0, n)] if self.cols is not None else self._chunks(xp, grad.dtype.itemsize)
        # NHWC memory, as the forward's input; one chunk hands back a view of its own buffer
        many = need[0] and len(slices) > 1
        gx: Any = xp.empty((n, h, wd, c), dtype=grad.dtype) if many else None
        if need[0]:
            # d(cols) as one batched GEMM laid out (offset, rows, c), so that col2im adds
            # whole contiguous rows of each kernel offset into the padded gradient.
            w_k = xp.ascontiguousarray(self.w_mat.reshape(cout, kh * kw, c).transpose(1, 0, 2))
        # the layout's (output gradient, padded input gradient) order of (n, c, y, x)
        frame, shape = (
            ((2, 3, 0, 1), (h + 2 * py, wd + 2 * px, n, c))
            if self.hwnc
            else ((0, 2, 3, 1), (n, h + 2 * py, wd + 2 * px, c))
        )
        axes = (0, 1) if self.hwnc else (1, 2)

        def chunk(s):
            g4 = (grad if self.hwnc else grad[s]).transpose(frame)  # free in the same layout
            g = g4.reshape(-1, cout)
            # cols.T @ g, not g.T @ cols: OpenBLAS is faster with the long dim as the inner one
            # with a bias, the last row is the bias gradient (the column of ones)
            gw = self._cols_of(s).T @ g if need[1] or want_b else None
            if need[0]:
                rows = shape if self.hwnc else (s.stop - s.start, *shape[1:])
                gbuf = xp.zeros(rows, dtype=grad.dtype)
                _col2im(gbuf, g.reshape(g4.shape), w_k, (kh, kw), stride, dilation, axes)
                gxs = _unpadded(gbuf, axes, (py, px), self.x_f.shape)
                if not many:
                    return gw, gxs  # the one chunk's buffer is the gradient: no copy
                gx[s] = gxs
            return gw, None

        parts = map_chunks(chunk, slices)
        if not many and need[0]:
            gx = parts[0][1]
        gw = gb = None
        if need[1] or want_b:
            gw_b = _sum_in_order([p[0] for p in parts])
        if need[1]:
            gw = gw_b[: kh * kw * c].reshape(kh, kw, c, cout).transpose(3, 2, 0, 1).copy()
        if want_b:
            gb = gw_b[-1].copy()
        inverse = (2, 3, 0, 1) if self.hwnc else (0, 3, 1, 2)
        gx_out = gx.transpose(inverse) if need[0] else None
        return (gx_out, gw) if len(need) == 2 else (gx_out, gw, gb)


def _sum_in_order(parts):
    """The chunks' partial sums added first to last: the same bits on every run, whatever
    order the threads finished in."""
    summed = parts[0]
    for partial in parts[1:]:
        summed += partial  # parts are fresh GEMM results, ours to overwrite
    return summed


def conv2d(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride=1,
    padding: int | tuple[int, int] | str = 0,
    dilation=1,
    groups: int = 1,
) -> Tensor:
    """2-D cross-correlation of x (N, C, H, W) with weight (Cout, C, kh, kw), plus bias.

    ``padding`` is ints, ``'valid'`` (none) or ``'same'`` (output as large as the input,
    stride 1 only; an odd total padding puts the extra row and column bottom/right, as torch).
    """
    if groups != 1:
        raise NotImplementedError("conv2d: groups other than 1 are not implemented")
    stride, dilation = int_pair(stride, "conv2d: stride"), int_pair(dilation, "conv2d: dilation")
    if isinstance(padding, str):
        if x.ndim != 4 or weight.ndim != 4:  # checked below; the kernel size is needed here
            raise RuntimeError(
                f"conv2d: needs 4-D input and weight, got shapes "
                f"{tuple(x.shape)} and {tuple(weight.shape)}"
            )
        padding, extra = _padding_of(padding, weight.shape[2:], stride, dilation)
        if extra != (0, 0):
            x = _pad_bottom_right(x, extra)
    padding = int_pair(padding, "conv2d: padding")
    if x.ndim != 4 or weight.ndim != 4:
        raise RuntimeError(
            f"conv2d: needs a 4-D input (N, C, H, W) and weight (Cout, C, kh, kw), got "
            f"shapes {tuple(x.shape)} and {tuple(weight.shape)}"
        )
    if x.shape[1] != weight.shape[1]:
        raise RuntimeError(
            f"conv2d: input of shape {tuple(x.shape)} has {x.shape[1]} channels but weight of "
            f"shape {tuple(weight.shape)} expects {weight.shape[1]}"
        )
    for size, k, s, p, d in zip(x.shape[2:], weight.shape[2:], stride, padding, dilation):
        if out_size(size, k, s, p, d) < 1:
            raise RuntimeError(
                f"conv2d: kernel {tuple(weight.shape[2:])} (dilation {dilation}) does not fit "
                f"input of shape {tuple(x.shape)} with padding {padding}"
            )
    geometry = {"stride": stride, "padding": padding, "dilation": dilation}
    if bias is None:
        return Conv2d.apply(x, weight, **geometry)
    return Conv2d.apply(x, weight, bias, **geometry)


def _padding_of(name: str, kernel, stride, dilation) -> tuple[tuple[int, int], tuple[int, int]]:
    """padding='valid' or 'same' as (padding on both sides, extra bottom/right)."""
    if name == "valid":
        return (0, 0), (0, 0)
    if name != "same":
        raise ValueError(f"conv2d: padding must be 'same', 'valid' or ints, not {name!r}")
    if stride != (1, 1):
        raise ValueError("conv2d: padding='same' needs stride 1 (as in torch)")
    # 'same' pads d * (k - 1) per dim in total; conv2d pads both sides alike, so an odd
    # total puts its one extra row or column bottom/right (as torch).
    total = [d * (k - 1) for d, k in zip(dilation, kernel)]
    return (total[0] // 2, total[1] // 2), (total[0] % 2, total[1] % 2)


def _pad_bottom_right(x: Tensor, extra: tuple[int, int]) -> Tensor:
    """x (N, C, H, W) with extra[0] zero rows below and extra[1] zero columns on the right."""
    xp = get_array_module(x.array)
    for dim, n in ((2, extra[0]), (3, extra[1])):
        if n:
            shape = list(x.shape)
            shape[dim] = n
            x = cat([x, constant(xp.zeros(shape, dtype=x.dtype))], dim)
    return x


def _col2im(gbuf, g, w_k, kernel, stride, dilation, axes):
    """Add d(cols) = g @ w_k into the padded input gradient ``gbuf`` (NHWC, or HWNC with axes
    (0, 1)); g is the output gradient in the same layout."""
    xp = get_array_module(gbuf)
    (kh, kw), (dy, dx), c = kernel, dilation, gbuf.shape[-1]
    if stride == (1, 1):
        _col2im_stride1(gbuf, g, w_k, kernel, dilation, axes)
        return
    ho, wo = g.shape[axes[0]], g.shape[axes[1]]
    dcols = xp.matmul(g.reshape(-1, g.shape[-1]), w_k).reshape((kh * kw,) + g.shape[:-1] + (c,))
    for k in range(kh * kw):
        i, j = divmod(k, kw)
        _window(gbuf, i * dy, j * dx, ho, wo, stride, axes)[...] += dcols[k]


def _col2im_stride1(gbuf, g, w_k, kernel, dilation, axes):
    """col2im for stride 1. g is laid on the padded width (zeros in the extra columns), so
    output pixel (y, x) and input pixel (y + i*dy, x + j*dx) sit at a fixed flat distance:
    each kernel offset adds one long contiguous run per image (per batch, in HWNC) instead of
    a strided window with short inner loops. Where NumPy's BLAS is an OpenBLAS, the GEMMs
    add their products in place instead (_col2im_blas).
    """
    a = axes[0]
    if _col2im_blas(gbuf, g, w_k, kernel, dilation, a):
        return
    xp = get_array_module(gbuf)
    lead = gbuf.shape[:a]  # (n,) in NHWC, () in HWNC
    hp, wp = gbuf.shape[a], gbuf.shape[a + 1]
    pixel = math.prod(gbuf.shape[a + 2 :])  # values per pixel: c, or n*c in HWNC
    ho, wo, cout = g.shape[a], g.shape[a + 1], g.shape[-1]
    (kh, kw), (dy, dx) = kernel, dilation
    if wp != wo:
        shape = list(g.shape)
        shape[a + 1] = wp
        gp = xp.zeros(shape, dtype=g.dtype)
        gp[(slice(None),) * (a + 1) + (slice(0, wo),)] = g
    else:
        gp = g
    dcols = xp.matmul(gp.reshape(-1, cout), w_k).reshape((kh * kw,) + lead + (ho * wp * pixel,))
    flat = gbuf.reshape(lead + (hp * wp * pixel,))
    length = ((ho - 1) * wp + wo) * pixel  # the last row's padding columns would run past the end
    for k in range(kh * kw):
        i, j = divmod(k, kw)
        start = (i * dy * wp + j * dx) * pixel
        flat[..., start : start + length] += dcols[k, ..., :length]


def _col2im_blas(gbuf, g, w_k, kernel, dilation, a) -> bool:
    """_col2im_stride1 with each kernel offset's product added by the GEMM itself (BLAS's
    beta = 1, course/ops/_blas.py): no d(cols) matrix, and no pass of adds after it. False
    where that BLAS call is not available.

    g is laid on the padded height and width (zeros outside ho x wo), so that a row of it
    (a pixel, or in HWNC a pixel of one image) and the row of the padded input gradient a
    kernel offset sends it to sit a fixed number of rows apart, across images too: one GEMM
    per offset for the whole chunk. The rows past the last output pixel are all zeros, so
    each GEMM stops short by the largest offset and stays inside the buffer.
    """
    xp = get_array_module(gbuf)
    if xp is not np or not gbuf.flags.c_contiguous or not _blas.available(gbuf.dtype):
        return False
    if not (g.dtype == w_k.dtype == gbuf.dtype):
        return False
    hp, wp, c, cout = gbuf.shape[a], gbuf.shape[a + 1], gbuf.shape[-1], g.shape[-1]
    ho, wo = g.shape[a], g.shape[a + 1]
    (kh, kw), (dy, dx) = kernel, dilation
    shape = list(g.shape)
    shape[a], shape[a + 1] = hp, wp
    gp = xp.zeros(shape, dtype=g.dtype)
    gp[(slice(None),) * a + (slice(0, ho), slice(0, wo))] = g
    rows, into = gp.reshape(-1, cout), gbuf.reshape(-1, c)
    per_pixel = math.prod(gbuf.shape[a + 2 : -1])  # 1, or the batch in HWNC
    last = ((kh - 1) * dy * wp + (kw - 1) * dx) * per_pixel
    count = rows.shape[0] - last
    for k in range(kh * kw):
        i, j = divmod(k, kw)
        start = (i * dy * wp + j * dx) * per_pixel
        _blas.addmm_(into[start : start + count], rows[:count], w_k[k])
    return True


_FEW_CHANNELS = 8  # below this, im2col copies by kernel offset (see _im2col)


def _im2col(buf, kernel, ho, wo, stride, dilation, ones=False, axes=(1, 2)):
    """Patches of an NHWC buffer as a matrix: rows (n, y, x), columns (ky, kx, c), and with
    ``ones`` one more column of ones (for the bias). With axes (0, 1) the buffer is HWNC and
    the rows (y, x, n)."""
    xp = get_array_module(buf)
    c = buf.shape[-1]
    (kh, kw), (dy, dx) = kernel, dilation
    k = kh * kw * c
    rows = buf.size // (buf.shape[axes[0]] * buf.shape[axes[1]] * c) * ho * wo
    if c >= _FEW_CHANNELS and hasattr(xp.lib.stride_tricks, "sliding_window_view"):
        # One copy of a strided window view; with few channels the copy's inner loop
        # would be too short, so small c takes the loop over kernel offsets below.
        span = (dy * (kh - 1) + 1, dx * (kw - 1) + 1)
        win = xp.lib.stride_tricks.sliding_window_view(buf, span, axis=axes)
        index = [slice(None)] * 4
        for ax, step, n_out in zip(axes, stride, (ho, wo)):
            index[ax] = slice(None, step * (n_out - 1) + 1, step)
        win = win[tuple(index)][..., ::dy, ::dx].transpose(0, 1, 2, 4, 5, 3)
        if not ones:
            return xp.ascontiguousarray(win).reshape(rows, k)
        cols = xp.empty((rows, k + 1), dtype=buf.dtype)
        cols[:, k] = 1
        cols[:, :k].reshape(win.shape)[...] = win  # a view: rows of k + 1 split as win's dims
        return cols
    # Few channels: fill the transposed matrix (ky, kx, c) x rows, whose rows are contiguous
    # copies of whole windows (whole rows of pixels in HWNC), and hand back its transpose (a
    # free view that BLAS reads as well as a row-major matrix).
    cols_t = xp.empty((k + ones, rows), dtype=buf.dtype)
    for i in range(kh):
        for j in range(kw):
            win = _window(buf, i * dy, j * dx, ho, wo, stride, axes)
            by_c = cols_t[(i * kw + j) * c : (i * kw + j + 1) * c]
            by_c.reshape((c,) + win.shape[:3])[...] = win.transpose(3, 0, 1, 2)
    if ones:
        cols_t[k] = 1
    return cols_t.T


def _frame(x):
    """(permutation, its inverse, spatial axes) of the layout to work in, the one x's memory
    has: NHWC or HWNC after a conv, so every window view reads runs of contiguous channels
    (of the whole batch's, in HWNC); NCHW otherwise."""
    if not x.flags.c_contiguous:
        for perm, axes in (((0, 2, 3, 1), (1, 2)), ((2, 3, 0, 1), (0, 1))):
            if x.transpose(perm).flags.c_contiguous:
                return perm, tuple(perm.index(d) for d in range(4)), axes
    return (0, 1, 2, 3), (0, 1, 2, 3), (2, 3)


def _padded(xf, axes, padding, fill, extra=(0, 0)):
    """xf with ``padding`` elements of ``fill`` on both sides of ``axes``, and ``extra``
    more at their ends (the last windows of ceil_mode)."""
    if not any(padding) and not any(extra):
        return xf
    xp = get_array_module(xf)
    shape, index = list(xf.shape), [slice(None)] * 4
    for ax, p, e in zip(axes, padding, extra):
        shape[ax] += 2 * p + e
        index[ax] = slice(p, p + xf.shape[ax])
    buf = xp.full(shape, fill, dtype=xf.dtype)
    buf[tuple(index)] = xf
    return buf


def _unpadded(buf, axes, padding, shape):
    index = [slice(None)] * 4
    for ax, p in zip(axes, padding):
        index[ax] = slice(p, p + shape[ax])
    return buf[tuple(index)]


def _pool(fn, name, x, kernel_size, stride, padding, ceil_mode=False) -> Tensor:
    """The checks max_pool2d and avg_pool2d share, then ``fn.apply``."""
    kernel = int_pair(kernel_size, f"{name}: kernel_size")
    stride = kernel if stride is None else int_pair(stride, f"{name}: stride")
    padding = int_pair(padding, f"{name}: padding")
    if x.ndim != 4:
        raise RuntimeError(f"{name}: needs a 4-D input (N, C, H, W), got shape {tuple(x.shape)}")
    if any(2 * p > k for p, k in zip(padding, kernel)):
        raise RuntimeError(f"{name}: padding {padding} must be at most half the kernel {kernel}")
    if any(out_size(n, k, s, p) < 1 for n, k, s, p in zip(x.shape[2:], kernel, stride, padding)):
        raise RuntimeError(f"{name}: kernel {kernel} does not fit input of shape {tuple(x.shape)}")
    if ceil_mode:
        return fn.apply(x, kernel=kernel, stride=stride, padding=padding, ceil_mode=True)
    return fn.apply(x, kernel=kernel, stride=stride, padding=padding)


class MaxPool2d(Function):
    """out = max over each window; the gradient goes to the first maximum, as PyTorch (in a
    window with a NaN, the max, to its last NaN, as PyTorch; on NumPy only, see
    _max_backward_nan).

    Forward and backward run in cache-sized pieces on the thread pool of course/ops/_parallel.py:
    chunks of the batch, or in HWNC (the batch inside each pixel) bands of rows of windows that
    tile the input. The backward reads the input again rather than keeping a padded copy.
    """

    def forward(self, x, kernel, stride, padding, ceil_mode=False):
        xp = get_array_module(x)
        (kh, kw), (py, px) = kernel, padding
        ho = pool_out_size(x.shape[2], kh, stride[0], py, ceil_mode)
        wo = pool_out_size(x.shape[3], kw, stride[1], px, ceil_mode)
        perm, inverse, axes = _frame(x)
        xf = x.transpose(perm)
        # ceil_mode's last windows may run past the padding: -inf there too (never the max)
        extra = tuple(
            max(0, (n - 1) * s + k - size - 2 * p)
            for n, s, k, size, p in zip((ho, wo), stride, kernel, x.shape[2:], padding)
        )
        shape = list(xf.shape)
        shape[axes[0]], shape[axes[1]] = ho, wo
        out = xp.empty(shape, dtype=x.dtype)
        self.xf, self.out, self.extra = xf, out, extra
        self.geometry = (kernel, stride, padding, ho, wo, perm, inverse, axes)

        # the windows tile the input exactly: no padding, no overlap, nothing left out
        tiled = stride == (kh, kw) and not any(padding) and not any(extra)
        tiled = self.tiled = tiled and (xf.shape[axes[0]], xf.shape[axes[1]]) == (ho * kh, wo * kw)

        # HWNC in, NHWC out: a convolution with many channels reads NHWC 2.5x faster. Each
        # piece copies its rows there while they are in cache; the backward keeps the HWNC one.
        hwnc = axes[0] == 0
        nhwc: Any = xp.empty((out.shape[2], ho, wo, out.shape[3]), dtype=x.dtype) if hwnc else None

        def chunk(piece):
            buf, o = self._buf(piece[0]), out[piece[1]]
            if tiled and kh * kw > 1 and buf.flags.c_contiguous:
                _max_tiles(buf, o, (kh, kw), axes)
            elif kh * kw == 1:
                o[...] = _window(buf, 0, 0, ho, wo, stride, axes)
            else:  # the first two windows straight into the output: no copy to start from
                first, second = (
                    _window(buf, k // kw, k % kw, ho, wo, stride, axes) for k in (0, 1)
                )
                xp.maximum(first, second, out=o)
                for k in range(2, kh * kw):
                    xp.maximum(o, _window(buf, k // kw, k % kw, ho, wo, stride, axes), out=o)
            if hwnc:
                nhwc[:, piece[1]] = o.transpose(2, 0, 1, 3)

        map_chunks(chunk, self._pieces(xp))
        return nhwc.transpose(0, 3, 1, 2) if hwnc else out.transpose(inverse)

    def _pieces(self, xp):
        """(input, output) slices of the first axis of the frame, one pair per piece."""
        # the backward's working set per item: input, output, their gradients
        kh, floor = self.geometry[0][0], _parallel.ELEMENTWISE_MIN_BYTES
        if self.geometry[7][0] != 0:  # chunks of the batch
            per_sample = 2 * (self.xf[0].size + self.out[0].size) * self.xf.dtype.itemsize
            return [(s, s) for s in chunks(self.xf.shape[0], per_sample, xp, floor)]
        if not self.tiled:  # HWNC: overlapping or padded windows, in one piece
            return [(slice(None), slice(None))]
        # HWNC, windows that tile the input: bands of rows of windows (writes never overlap)
        per_row = 2 * (kh * self.xf[0].size + self.out[0].size) * self.xf.dtype.itemsize
        bands = chunks(self.out.shape[0], per_row, xp, floor)
        return [(slice(s.start * kh, s.stop * kh), s) for s in bands]

    def _buf(self, s):
        """The samples ``s`` of the input, in the working frame, padded with -inf."""
        padding, axes = self.geometry[2], self.geometry[7]
        return _padded(self.xf[s], axes, padding, -get_array_module(self.xf).inf, self.extra)

    def backward(self, grad):
        # Each window hands its gradient to the first offset that equals its max, as
        # PyTorch does on ties (e.g. zeros after a ReLU).
        xp = get_array_module(grad)
        (kh, kw), stride, padding, ho, wo, perm, inverse, axes = self.geometry
        gf = grad.transpose(perm)  # each chunk is made contiguous in the frame (in cache)
        gx = xp.empty(self.xf.shape, dtype=grad.dtype)  # C order in the frame
        overlapping = stride[0] < kh or stride[1] < kw
        plain = not any(padding) and not any(self.extra)

        def chunk(piece):
            s, so = piece
            buf, out, g = self._buf(s), self.out[so], xp.ascontiguousarray(gf[so])
            if plain:  # write straight into the result; zeros only where no window reaches
                gbuf = gx[s]
                if not self.tiled:  # some elements no window writes, or overlaps that add up
                    gbuf[...] = 0
            else:
                gbuf = xp.zeros(buf.shape, dtype=grad.dtype)
            if overlapping:
                _max_backward_overlapping(buf, out, g, gbuf, (kh, kw), stride, axes)
            else:
                _max_backward_disjoint(buf, out, g, gbuf, (kh, kw), stride, axes)
            _max_backward_nan(buf, out, g, gbuf, (kh, kw), stride, axes)
            if not plain:
                gx[s] = _unpadded(gbuf, axes, padding, gx[s].shape)

        map_chunks(chunk, self._pieces(xp))
        return gx.transpose(inverse)


def _max_tiles(buf, out, kernel, axes):
    """out = the max of each window of a C-order ``buf`` that its windows tile exactly.

    Rows first: each kernel row is a long contiguous run (a whole row of the image, with its
    channels when channels-last), so the kh - 1 maxima over rows run long inner loops. Only the
    kw - 1 maxima over columns, on 1/kh of the data, step through short runs of channels.
    """
    xp = get_array_module(buf)
    (kh, kw), a = kernel, axes[0]
    lead, tail = buf.shape[:a], buf.shape[a + 2 :]
    ho, wo = out.shape[a], out.shape[a + 1]
    rows = buf.reshape(lead + (ho, kh, -1))
    if kh == 1:
        best = rows[..., 0, :]
    else:
        best = xp.maximum(rows[..., 0, :], rows[..., 1, :])
        for i in range(2, kh):
            xp.maximum(best, rows[..., i, :], out=best)
    best = best.reshape(lead + (ho, wo, kw) + tail)
    column = (slice(None),) * (a + 2)
    if kw == 1:
        out[...] = best[column + (0,)]
        return
    xp.maximum(best[column + (0,)], best[column + (1,)], out=out)
    for j in range(2, kw):
        xp.maximum(out, best[column + (j,)], out=out)


def _max_backward_disjoint(buf, out, g, gbuf, kernel, stride, axes):
    """Disjoint windows: each offset writes its own elements of ``gbuf`` once. ``claimed``
    marks windows whose max an earlier offset already took; the masks are bool and out-sized."""
    xp = get_array_module(buf)
    (kh, kw), (ho, wo) = kernel, (out.shape[axes[0]], out.shape[axes[1]])
    claimed = xp.empty(out.shape, dtype=bool)
    hit = xp.empty(out.shape, dtype=bool)
    last = kh * kw - 1
    for k in range(kh * kw):
        i, j = divmod(k, kw)
        win = _window(buf, i, j, ho, wo, stride, axes)
        if k == 0:
            xp.equal(win, out, out=claimed)
            mask = claimed
        else:
            xp.equal(win, out, out=hit)
            xp.greater(hit, claimed, out=hit)  # hit and not claimed
            if k < last:
                claimed |= hit
            mask = hit
        masked(g, mask, out=_window(gbuf, i, j, ho, wo, stride, axes))


def _max_backward_nan(buf, out, g, gbuf, kernel, stride, axes):
    """A window with a NaN has max NaN, which equals nothing: as torch, its gradient goes to its
    last NaN. Adds into ``gbuf``, where such windows have written nothing yet.

    NumPy only. On CuPy, asking whether there is any NaN is a host synchronisation: it would
    stall the launch queue on every backward and make the step impossible to capture as a CUDA
    graph (course/cuda_graphs.py); running the passes regardless adds about 25 kernels. So on
    a GPU a NaN window's gradient still goes nowhere (tests/gpu do not check NaN windows).
    """
    xp = get_array_module(buf)
    if xp is not np:
        return
    nan_out = xp.isnan(out)
    if not nan_out.any():
        return
    (kh, kw), (ho, wo) = kernel, (out.shape[axes[0]], out.shape[axes[1]])
    for k in reversed(range(kh * kw)):
        i, j = divmod(k, kw)
        hit = xp.isnan(_window(buf, i, j, ho, wo, stride, axes)) & nan_out
        nan_out &= ~hit  # claimed: earlier NaNs of the window get nothing
        _window(gbuf, i, j, ho, wo, stride, axes)[...] += masked(g, hit)


def _max_backward_overlapping(buf, out, g, gbuf, kernel, stride, axes):
    """Overlapping windows add up into ``gbuf`` (zeros on entry); ``left`` holds what no earlier
    offset has claimed yet."""
    xp = get_array_module(buf)
    (kh, kw), (ho, wo) = kernel, (out.shape[axes[0]], out.shape[axes[1]])
    left = xp.array(g, dtype=gbuf.dtype)  # a C-order copy, overwritten below
    hit = xp.empty(out.shape, dtype=bool)
    share = xp.empty_like(left)
    last = kh * kw - 1
    for k in range(kh * kw):
        i, j = divmod(k, kw)
        xp.equal(_window(buf, i, j, ho, wo, stride, axes), out, out=hit)
        masked(left, hit, out=share)
        _window(gbuf, i, j, ho, wo, stride, axes)[...] += share
        if k < last:  # claimed: zero, not left - share (inf - inf would be NaN)
            masked(left, xp.logical_not(hit, out=hit), out=left)


def max_pool2d(
    x: Tensor,
    kernel_size,
    stride=None,
    padding=0,
    dilation=1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor:
    """Max over each kernel window (stride defaults to the kernel size); ``ceil_mode`` rounds
    the output size up, so a last, partial window covers the input's end."""
    if int_pair(dilation, "max_pool2d: dilation") != (1, 1):
        raise NotImplementedError("max_pool2d: dilation other than 1 is not implemented")
    if return_indices:
        raise NotImplementedError("max_pool2d: return_indices=True is not implemented")
    return _pool(MaxPool2d, "max_pool2d", x, kernel_size, stride, padding, ceil_mode)


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
        out = _window(buf, 0, 0, ho, wo, stride, (2, 3)).copy(order="K")  # keep NHWC memory
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


def avg_pool2d(
    x: Tensor,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """Mean over each kernel window (stride defaults to the kernel size)."""
    for option, value, default in (
        ("ceil_mode", ceil_mode, False),
        ("count_include_pad", count_include_pad, True),
        ("divisor_override", divisor_override, None),
    ):
        if value != default:
            raise NotImplementedError(f"avg_pool2d: {option}={value!r} is not implemented")
    return _pool(AvgPool2d, "avg_pool2d", x, kernel_size, stride, padding)
