"""conv_transpose2d: the adjoint of conv2d with respect to its input, as one GEMM per group and col2im."""
from ...errors import ShapeError
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from .common import check_conv, pair


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """A 2-D transposed convolution (PyTorch's ``conv_transpose2d``), the adjoint of conv2d with
    respect to its input: rows = x @ W, then row2im (col2im), which sums overlapping windows.

    Args:
        input: (N, C_in, H, W).
        weight: (C_in, C_out / groups, kh, kw).
        bias: (C_out,) or None.
        stride, padding, dilation: an int or an (h, w) pair; padding is the conv2d padding whose
            adjoint this is (it trims the output).
        output_padding: an int or an (h, w) pair of rows/columns added at the bottom/right.
        groups: input and output channels split into this many groups.

    Returns:
        (N, C_out, OH, OW), OH = (H - 1) * stride_h - 2 * ph + dilation_h * (kh - 1) + output_padding_h + 1
            and likewise OW.

    Example::

        >>> ug.conv_transpose2d(ug.ones(1, 1, 2, 2), ug.ones(1, 1, 2, 2))
        tensor([[[[1., 2., 1.],
                  [2., 4., 2.],
                  [1., 2., 1.]]]])
        >>> x, w = ug.randn(8, 16, 7, 7), ug.randn(16, 3, 3, 3)
        >>> ug.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1).shape
        unigrad.Size([8, 3, 14, 14])
    """
    check_conv(input, weight, groups, "conv_transpose2d")
    n, c, h, w = input.shape
    in_ch, o_per_group, kh, kw = weight.shape
    if in_ch != c:
        raise ShapeError(f"conv_transpose2d: weight {tuple(weight.shape)} expects {in_ch} input channels but the "
                         f"input {tuple(input.shape)} has {c}")
    (sh, sw), (ph, pw) = pair(stride, "stride"), pair(padding, "padding")
    (oph, opw), (dh, dw) = pair(output_padding, "output_padding"), pair(dilation, "dilation")
    oh = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1
    ow = (w - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1
    x_cols = F.reshape(F.permute(input, (1, 2, 3, 0)), (c, h * w * n))
    w2 = F.reshape(weight, (in_ch, o_per_group * kh * kw))
    if groups == 1:
        cols = F.matmul(F.t(w2), x_cols)
    else:
        ci = c // groups
        cols = F.cat([F.matmul(F.t(F.getitem(w2, (slice(g * ci, (g + 1) * ci),))),
                               F.getitem(x_cols, (slice(g * ci, (g + 1) * ci),))) for g in range(groups)], 0)
    # an output_padding < stride only adds rows no window reaches: col2im leaves them zero
    out = F.col2im(cols, (n, o_per_group * groups, oh, ow), (kh, kw), (sh, sw), (ph, ph, pw, pw), (dh, dw))
    if bias is not None:
        out = F.add(out, F.reshape(bias, (1, -1, 1, 1)))
    return out


register(OpDef(name="conv_transpose2d", impl=conv_transpose2d, variants=Variants(functional=True),
               onnx=Onnx(emit=lambda e, **a: e.conv_transpose(**a)),
               samples=lambda: [Sample((randn(2, 3, 4, 4), randn(3, 2, 3, 3, seed=1), randn(2, seed=2)), {}),
                                Sample((randn(1, 4, 3, 5), randn(4, 3, 3, 2, seed=1)),
                                       {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2}),
                                Sample((randn(1, 2, 4, 4), randn(2, 2, 2, 2, seed=1)), {"dilation": 2, "stride": 3})],
               torch_ref=lambda torch, x, w, b=None, **kw: torch.nn.functional.conv_transpose2d(x, w, b, **kw)))
