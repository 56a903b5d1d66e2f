"""im2row and its adjoint row2im: the kernels under convolution and pooling.

im2row turns x (N, C, H, W) into rows (N*OH*OW, C*kh*kw): one row per output pixel, so a
convolution is one GEMM (rows @ W.T) and its weight gradient is one GEMM too.
"""
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, register
from ..sampling import randn
from ..spec import Spec


def out_size(size, k, stride, pad_lo, pad_hi, dilation):
    return (size + pad_lo + pad_hi - dilation * (k - 1) - 1) // stride + 1


def _geometry(shape, kernel, stride, pads, dilation):
    n, c, h, w = shape
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    top, bottom, left, right = pads
    oh = out_size(h, kh, sh, top, bottom, dh)
    ow = out_size(w, kw, sw, left, right, dw)
    if oh <= 0 or ow <= 0:
        raise ShapeError(f"kernel {kernel} (dilation {dilation}) does not fit input of spatial size {(h, w)} "
                         f"with padding {pads}: the output would be {(oh, ow)}")
    return n, c, h, w, kh, kw, sh, sw, dh, dw, oh, ow


def _im2row_forward(xp, x, kernel, stride, pads, dilation, pad_value=0.0):
    n, c, h, w, kh, kw, sh, sw, dh, dw, oh, ow = _geometry(x.shape, kernel, stride, pads, dilation)
    top, bottom, left, right = pads
    if any(pads):
        x = xp.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)), constant_values=pad_value)
    rows = xp.empty((n, oh, ow, c, kh, kw), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            patch = x[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw]
            rows[:, :, :, :, i, j] = patch.transpose(0, 2, 3, 1)
    return rows.reshape(n * oh * ow, c * kh * kw)


def _row2im_forward(xp, rows, shape, kernel, stride, pads, dilation, pad_value=0.0):
    n, c, h, w, kh, kw, sh, sw, dh, dw, oh, ow = _geometry(shape, kernel, stride, pads, dilation)
    top, bottom, left, right = pads
    out = xp.zeros((n, c, h + top + bottom, w + left + right), dtype=rows.dtype)
    r = rows.reshape(n, oh, ow, c, kh, kw).transpose(0, 3, 1, 2, 4, 5)
    for i in range(kh):
        for j in range(kw):
            out[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw] += r[..., i, j]
    return out[:, :, top:top + h, left:left + w]


def _im2row_infer(x, kernel, stride, pads, dilation, pad_value=0.0):
    if len(x.shape) != 4:
        raise ShapeError(f"op 'im2row': expected a 4-D input (N, C, H, W), got shape {x.shape}")
    n, c, h, w, kh, kw, sh, sw, dh, dw, oh, ow = _geometry(x.shape, kernel, stride, pads, dilation)
    return Spec((n * oh * ow, c * kh * kw), x.dtype)


def _geom_attrs(attrs):
    return {k: attrs[k] for k in ("kernel", "stride", "pads", "dilation")}


im2row_op = register(OpDef(
    name="im2row", saves_inputs=False, forward=_im2row_forward, infer=_im2row_infer,
    backward=lambda ctx, g: (F.row2im(g, tuple(ctx.inputs[0].shape), **_geom_attrs(ctx.attrs)),),
    samples=lambda: [Sample((randn(2, 3, 5, 5),), {"kernel": (3, 3), "stride": (1, 1), "pads": (0, 0, 0, 0),
                                                    "dilation": (1, 1)}),
                     Sample((randn(1, 2, 6, 7),), {"kernel": (2, 3), "stride": (2, 1), "pads": (1, 0, 2, 1),
                                                   "dilation": (2, 1)})],
    torch_ref=lambda torch, x, kernel, stride, pads, dilation, pad_value=0.0: torch.nn.functional.unfold(
        torch.nn.functional.pad(x, (pads[2], pads[3], pads[0], pads[1]), value=pad_value), kernel,
        dilation=dilation, stride=stride).transpose(1, 2).reshape(-1, x.shape[1] * kernel[0] * kernel[1]),
    doc="Unfold sliding windows into rows (N*OH*OW, C*kh*kw)."))

row2im_op = register(OpDef(
    name="row2im", saves_inputs=False, forward=_row2im_forward,
    infer=lambda rows, shape, **geo: Spec(shape, rows.dtype),
    backward=lambda ctx, g: (F.im2row(g, **_geom_attrs(ctx.attrs)),),
    samples=lambda: [Sample((randn(2 * 3 * 3, 3 * 9),), {"shape": (2, 3, 5, 5), "kernel": (3, 3), "stride": (1, 1),
                                                         "pads": (0, 0, 0, 0), "dilation": (1, 1)}),
                     Sample((randn(1 * 4 * 6, 2 * 6),), {"shape": (1, 2, 6, 7), "kernel": (2, 3), "stride": (2, 1),
                                                         "pads": (1, 0, 2, 1), "dilation": (2, 1)})],
    torch_ref=lambda torch, rows, shape, kernel, stride, pads, dilation: torch.nn.functional.fold(
        rows.reshape(shape[0], -1, rows.shape[1]).transpose(1, 2),
        (shape[2] + pads[0] + pads[1], shape[3] + pads[2] + pads[3]), kernel, dilation=dilation,
        stride=stride)[:, :, pads[0]:pads[0] + shape[2], pads[2]:pads[2] + shape[3]],
    doc="Adjoint of im2row: sum rows back into an image of `shape`."))


def im2row(input, kernel, stride, pads, dilation, pad_value=0.0):
    attrs = {"kernel": tuple(kernel), "stride": tuple(stride), "pads": tuple(pads), "dilation": tuple(dilation)}
    if pad_value:
        attrs["pad_value"] = pad_value
    from ..dispatch import dispatch
    return dispatch(im2row_op, (input,), attrs)


def row2im(rows, shape, kernel, stride, pads, dilation):
    from ..dispatch import dispatch
    return dispatch(row2im_op, (rows,), {"shape": tuple(shape), "kernel": tuple(kernel), "stride": tuple(stride),
                                         "pads": tuple(pads), "dilation": tuple(dilation)})


im2row_op.public = im2row
row2im_op.public = row2im
