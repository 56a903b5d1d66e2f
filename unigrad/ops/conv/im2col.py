"""im2col and its adjoint col2im: the kernels under convolution and average pooling.

im2col turns x (N, C, H, W) into cols (C*kh*kw, OH*OW*N): one column per output pixel, so a
convolution is one GEMM (W @ cols) and its weight gradient is one GEMM too. Columns are ordered
(oh, ow, n) with the batch innermost: the GEMM result (O, OH*OW*N) is an NCHW tensor whose
memory is "CHWN", and when the next layer's input has that memory order too, each of the kh*kw
window offsets is copied (and, in col2im, accumulated) in runs of OW*N contiguous elements
instead of runs of OW.
"""
import numpy as np

from ...errors import ShapeError
from ..dispatch import dispatch
from ..registry import BuildOut, Compiled, Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from .common import out_size, window_attrs


# ---- the window geometry both ops walk -------------------------------------------------------
def _geometry(shape, kernel, stride, pads, dilation):
    n, c, h, w = shape
    oh = out_size(h, kernel[0], stride[0], pads[0], pads[1], dilation[0])
    ow = out_size(w, kernel[1], stride[1], pads[2], pads[3], dilation[1])
    if oh <= 0 or ow <= 0:
        raise ShapeError(f"kernel {tuple(kernel)} (dilation {tuple(dilation)}) does not fit an input of spatial size "
                         f"{(h, w)} with padding {tuple(pads)}: the output would be {(oh, ow)}")
    return oh, ow


def _window(i, j, kernel, stride, dilation, oh, ow):
    return (slice(i * dilation[0], i * dilation[0] + stride[0] * (oh - 1) + 1, stride[0]),
            slice(j * dilation[1], j * dilation[1] + stride[1] * (ow - 1) + 1, stride[1]))


def chwn(xp, x):
    """x (N, C, H, W) as a C-contiguous (C, H, W, N) array (free when x's memory is already CHWN)."""
    return xp.ascontiguousarray(x.transpose(1, 2, 3, 0))


def _window_layout(chwn_shape, itemsize, kernel, stride, dilation, oh, ow):
    """(shape, strides) of the strided view (C, kh, kw, OH, OW, N) of all windows over a
    C-contiguous (C, H, W, N) array."""
    c, h, w, n = chwn_shape
    sc, sh, sw, sn = h * w * n * itemsize, w * n * itemsize, n * itemsize, itemsize
    return ((c, kernel[0], kernel[1], oh, ow, n),
            (sc, sh * dilation[0], sw * dilation[1], sh * stride[0], sw * stride[1], sn))


def _windows(xp, x, kernel, stride, pads, dilation):
    """All windows of x as one strided view (C, kh, kw, OH, OW, N) over its CHWN memory."""
    oh, ow = _geometry(x.shape, kernel, stride, pads, dilation)
    xt = chwn(xp, x)
    if any(pads):
        xt = xp.pad(xt, ((0, 0), (pads[0], pads[1]), (pads[2], pads[3]), (0, 0)))
    shape, strides = _window_layout(xt.shape, xt.dtype.itemsize, kernel, stride, dilation, oh, ow)
    if xp is np:  # the ndarray constructor is several times cheaper than as_strided's wrapper
        return np.ndarray(shape, xt.dtype, xt, 0, strides)
    return xp.lib.stride_tricks.as_strided(xt, shape, strides)


_GEOMS = [((2, 3, 5, 5), dict(kernel=(3, 3), stride=(1, 1), pads=(0, 0, 0, 0), dilation=(1, 1))),
          ((1, 2, 6, 7), dict(kernel=(2, 3), stride=(2, 1), pads=(1, 0, 2, 1), dilation=(2, 1)))]


# ---- im2col --------------------------------------------------------------------------------
def _im2col_forward(xp, x, kernel, stride, pads, dilation):
    windows = _windows(xp, x, kernel, stride, pads, dilation)
    c, kh, kw, oh, ow, n = windows.shape
    return xp.ascontiguousarray(windows).reshape(c * kh * kw, oh * ow * n)  # a single copy


def im2col_into(xp, x, out, kernel, stride, pads, dilation):
    """im2col writing into `out` (C*kh*kw, OH*OW*N), a preallocated buffer."""
    windows = _windows(xp, x, kernel, stride, pads, dilation)
    xp.copyto(out.reshape(windows.shape), windows)
    return out


def im2col_into_kernel(shape, dtype, out, kernel, stride, pads, dilation):
    """A NumPy kernel x -> im2col(x) written into `out`, for inputs of this shape and dtype,
    with the window geometry computed once (compiled graphs call it at every run)."""
    if any(pads):
        return lambda x: im2col_into(np, x, out, kernel, stride, pads, dilation)
    shape = tuple(shape)
    n, c, h, w = shape
    oh, ow = _geometry(shape, kernel, stride, pads, dilation)
    view_shape, strides = _window_layout((c, h, w, n), np.dtype(dtype).itemsize, kernel, stride, dilation, oh, ow)
    target = out.reshape(view_shape)
    ndarray, copyto, contiguous = np.ndarray, np.copyto, np.ascontiguousarray

    def kernel_fn(x):
        if x.shape != shape:  # the precomputed strides are only valid for this shape
            raise ShapeError(f"op 'im2col': compiled for inputs of shape {shape}, got {x.shape}")
        copyto(target, ndarray(view_shape, dtype, contiguous(x.transpose(1, 2, 3, 0)), 0, strides))
        return out
    return kernel_fn


def _im2col_backward(ctx, g):
    return (col2im(g, tuple(ctx.inputs[0].shape), **window_attrs(ctx.attrs)),)


def _im2col_infer(x, kernel, stride, pads, dilation):
    if len(x.shape) != 4:
        raise ShapeError(f"op 'im2col': expected a 4-D input (N, C, H, W), got shape {x.shape}")
    oh, ow = _geometry(x.shape, kernel, stride, pads, dilation)
    return Spec((x.shape[1] * kernel[0] * kernel[1], oh * ow * x.shape[0]), x.dtype)


def _may_alias(node):
    """A 1x1 window with stride 1 and no padding over CHWN memory: the columns are the input's
    own memory (ascontiguousarray has nothing to copy)."""
    a = node.attrs
    return tuple(a["kernel"]) == (1, 1) and tuple(a["stride"]) == (1, 1) and not any(a["pads"])


def _torch_im2col(torch, x, kernel, stride, pads, dilation):
    padded = torch.nn.functional.pad(x, (pads[2], pads[3], pads[0], pads[1]))
    u = torch.nn.functional.unfold(padded, kernel, dilation=dilation, stride=stride)  # (N, K, L)
    return u.permute(1, 2, 0).reshape(u.shape[1], -1)


im2col_op = OpDef(
    name="im2col", forward=_im2col_forward, backward=_im2col_backward, infer=_im2col_infer, saves_inputs=False,
    onnx=Onnx(emit=lambda e, x, kernel, stride, pads, dilation: e.im2col(x, kernel, stride, pads, dilation)),
    compiled=Compiled(out=BuildOut(lambda inputs, attrs, out: True if out is None else im2col_into_kernel(
        inputs[0].shape, inputs[0].dtype.np, out, **attrs)), may_alias=_may_alias),
    variants=Variants(),
    samples=lambda: [Sample((randn(*shape),), geo) for shape, geo in _GEOMS],
    torch_ref=_torch_im2col, reference=_im2col_forward)


def im2col(input, kernel, stride, pads, dilation):
    """The sliding windows of input unfolded into columns: (C*kh*kw, OH*OW*N), one column per
    output pixel, ordered (oh, ow, n) with the batch innermost (``unfold``, laid out for GEMM).

    A convolution is then one matrix product: weight.reshape(O, C*kh*kw) @ cols.

    Args:
        input: (N, C, H, W).
        kernel, stride, dilation: (h, w) pairs.
        pads: zero padding as (top, bottom, left, right).

    Example::

        >>> x = ug.arange(9.0).reshape(1, 1, 3, 3)
        >>> ug.im2col(x, (2, 2), (1, 1), (0, 0, 0, 0), (1, 1))
        tensor([[0., 1., 3., 4.],
                [1., 2., 4., 5.],
                [3., 4., 6., 7.],
                [4., 5., 7., 8.]])
    """
    return dispatch(im2col_op, (input,), {"kernel": tuple(kernel), "stride": tuple(stride), "pads": tuple(pads),
                                          "dilation": tuple(dilation)})


register(im2col_op, public=im2col)


# ---- col2im --------------------------------------------------------------------------------
def _col2im_forward(xp, cols, shape, kernel, stride, pads, dilation):
    n, c, h, w = shape
    oh, ow = _geometry(shape, kernel, stride, pads, dilation)
    blocks = cols.reshape(c, kernel[0], kernel[1], oh, ow, n)
    out = xp.zeros((c, h + pads[0] + pads[1], w + pads[2] + pads[3], n), dtype=cols.dtype)
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            rows, colsl = _window(i, j, kernel, stride, dilation, oh, ow)
            out[:, rows, colsl] += blocks[:, i, j]
    return out[:, pads[0]:pads[0] + h, pads[2]:pads[2] + w].transpose(3, 0, 1, 2)


def _col2im_backward(ctx, g):
    return (im2col(g, **window_attrs(ctx.attrs)),)


def _col2im_infer(cols, shape, **geo):
    return Spec(shape, cols.dtype)


def _col2im_samples():
    out = []
    for shape, geo in _GEOMS:
        oh, ow = _geometry(shape, geo["kernel"], geo["stride"], geo["pads"], geo["dilation"])
        k = shape[1] * geo["kernel"][0] * geo["kernel"][1]
        out.append(Sample((randn(k, oh * ow * shape[0]),), {"shape": shape, **geo}))
    return out


def _torch_col2im(torch, cols, shape, kernel, stride, pads, dilation):
    n = shape[0]
    u = cols.reshape(cols.shape[0], -1, n).permute(2, 0, 1)
    full = torch.nn.functional.fold(u, (shape[2] + pads[0] + pads[1], shape[3] + pads[2] + pads[3]), kernel,
                                    dilation=dilation, stride=stride)
    return full[:, :, pads[0]:pads[0] + shape[2], pads[2]:pads[2] + shape[3]]


col2im_op = OpDef(
    name="col2im", forward=_col2im_forward, backward=_col2im_backward, infer=_col2im_infer, saves_inputs=False,
    compiled=Compiled(fresh=True), variants=Variants(),
    samples=_col2im_samples, torch_ref=_torch_col2im, reference=_col2im_forward)


def col2im(cols, shape, kernel, stride, pads, dilation):
    """The adjoint of im2col (``fold``): columns (C*kh*kw, OH*OW*N) summed back into an image
    of `shape` (N, C, H, W); where windows overlap, their values add up.

    Args:
        cols: (C*kh*kw, OH*OW*N), in im2col's order.
        shape: the image's (N, C, H, W).
        kernel, stride, dilation: (h, w) pairs.
        pads: (top, bottom, left, right), dropped from the result.

    Example::

        >>> ug.col2im(ug.ones(4, 4), (1, 1, 3, 3), (2, 2), (1, 1), (0, 0, 0, 0), (1, 1))
        tensor([[[[1., 2., 1.],
                  [2., 4., 2.],
                  [1., 2., 1.]]]])
    """
    return dispatch(col2im_op, (cols,), {"shape": tuple(shape), "kernel": tuple(kernel), "stride": tuple(stride),
                                         "pads": tuple(pads), "dilation": tuple(dilation)})


register(col2im_op, public=col2im)
