"""unfold (im2col) and fold (col2im) with torch.nn.functional's layout: (N, C * kh * kw, L)
columns, channel-major then kernel row and column, L the window positions in row-major order.
Composites over the im2col and col2im ops, whose (C * kh * kw, L * N) columns (batch innermost)
are the same numbers with the batch moved last."""
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .common import out_size, pair


def _geometry(kernel_size, dilation, padding, stride):
    return pair(kernel_size, "kernel_size"), pair(dilation, "dilation"), pair(padding, "padding"), pair(stride, "stride")


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """The sliding kernel_size windows of (N, C, H, W) input as columns: (N, C * kh * kw, L), as
    torch's unfold (im2col).

    Example::

        >>> ug.nn.functional.unfold(ug.arange(9.0).reshape(1, 1, 3, 3), 2)
        tensor([[[0., 1., 3., 4.],
                 [1., 2., 4., 5.],
                 [3., 4., 6., 7.],
                 [4., 5., 7., 8.]]])
    """
    if input.ndim not in (3, 4):
        raise ShapeError(f"unfold: expected (N, C, H, W) or (C, H, W) input, got {tuple(input.shape)}")
    if input.ndim == 3:
        return F.squeeze(unfold(F.unsqueeze(input, 0), kernel_size, dilation, padding, stride), 0)
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = _geometry(kernel_size, dilation, padding, stride)
    n, c = input.shape[:2]
    h, w = input.shape[2] + 2 * ph, input.shape[3] + 2 * pw
    oh, ow = out_size(h, kh, sh, 0, 0, dh), out_size(w, kw, sw, 0, 0, dw)
    if oh <= 0 or ow <= 0:
        raise ShapeError(f"unfold: kernel {(kh, kw)} (dilation {(dh, dw)}) does not fit the padded input {(h, w)}")
    cols = F.im2col(input, (kh, kw), (sh, sw), (ph, ph, pw, pw), (dh, dw))   # (C * kh * kw, L * N)
    return F.contiguous(F.permute(F.reshape(cols, (c * kh * kw, oh * ow, n)), (2, 0, 1)))


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """unfold's adjoint (col2im): (N, C * kh * kw, L) columns summed back into (N, C, H, W), where
    windows overlap their values add, as torch's fold.

    Example::

        >>> ug.nn.functional.fold(ug.ones(1, 4, 4), (3, 3), 2)
        tensor([[[[1., 2., 1.],
                  [2., 4., 2.],
                  [1., 2., 1.]]]])
    """
    if input.ndim not in (2, 3):
        raise ShapeError(f"fold: expected (N, C * kh * kw, L) or (C * kh * kw, L) input, got {tuple(input.shape)}")
    if input.ndim == 2:
        return F.squeeze(fold(F.unsqueeze(input, 0), output_size, kernel_size, dilation, padding, stride), 0)
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = _geometry(kernel_size, dilation, padding, stride)
    oh_, ow_ = pair(output_size, "output_size")
    h, w = oh_ + 2 * ph, ow_ + 2 * pw
    oh, ow = out_size(h, kh, sh, 0, 0, dh), out_size(w, kw, sw, 0, 0, dw)
    n, ckk, length = input.shape
    if ckk % (kh * kw) or length != oh * ow:
        raise ShapeError(f"fold: input {tuple(input.shape)} does not hold C * {kh * kw} rows of {oh * ow} windows for "
                         f"output_size {(oh_, ow_)}")
    cols = F.reshape(F.permute(input, (1, 2, 0)), (ckk, length * n))   # im2col's order, batch innermost
    return F.col2im(cols, (n, ckk // (kh * kw), oh_, ow_), (kh, kw), (sh, sw), (ph, ph, pw, pw), (dh, dw))


register(OpDef(name="unfold", impl=unfold, variants=Variants(function=False, functional=True),
               samples=lambda: [Sample((randn(2, 3, 5, 6), 2)), Sample((randn(1, 2, 7, 7), (3, 2)),
                                                                     {"dilation": (2, 1), "padding": 1, "stride": 2}),
                                Sample((randn(2, 4, 4), 3))],
               torch_ref=lambda torch, x, k, **kw: torch.nn.functional.unfold(x, k, **kw)))
register(OpDef(name="fold", impl=fold, variants=Variants(function=False, functional=True),
               samples=lambda: [Sample((randn(2, 12, 20), (5, 6), 2)),
                                Sample((randn(1, 12, 12), (7, 7), (3, 2)), {"dilation": (2, 1), "padding": 1, "stride": 2}),
                                Sample((randn(8, 4), (3, 3), 2))],
               torch_ref=lambda torch, x, o, k, **kw: torch.nn.functional.fold(x, o, k, **kw)))
