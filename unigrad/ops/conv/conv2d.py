"""conv2d: a 2-D convolution (cross-correlation, as in PyTorch) as im2col and one GEMM per group."""
from ...errors import ShapeError
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from .common import check_conv, pair


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """A 2-D convolution (cross-correlation, as in PyTorch's ``conv2d``) over an (N, C, H, W)
    input: im2col and one matrix product per group; its gradients follow from those ops.

    Args:
        input: (N, C_in, H, W).
        weight: (C_out, C_in / groups, kh, kw).
        bias: (C_out,) or None.
        stride, dilation: an int or an (h, w) pair.
        padding: an int or an (h, w) pair of zero padding on both sides, "valid" (none) or "same"
            (at stride 1 the output keeps H and W; an odd total puts the extra row/column at the bottom/right).
        groups: input and output channels split into this many groups, convolved separately.

    Returns:
        (N, C_out, OH, OW), OH = (H + 2 * ph - dilation_h * (kh - 1) - 1) // stride_h + 1 and likewise OW.

    Example::

        >>> x = ug.arange(9.0).reshape(1, 1, 3, 3)
        >>> ug.conv2d(x, ug.ones(1, 1, 2, 2))
        tensor([[[[ 8., 12.],
                  [20., 24.]]]])
        >>> ug.conv2d(ug.randn(8, 3, 32, 32), ug.randn(16, 3, 3, 3), padding=1).shape
        unigrad.Size([8, 16, 32, 32])
    """
    check_conv(input, weight, groups, "conv2d")
    n, c, h, w = input.shape
    out_ch, c_per_group, kh, kw = weight.shape
    if c_per_group * groups != c:
        raise ShapeError(f"conv2d: weight {tuple(weight.shape)} expects {c_per_group * groups} input channels "
                         f"(groups={groups}) but the input {tuple(input.shape)} has {c}")
    stride, dilation = pair(stride, "stride"), pair(dilation, "dilation")
    if padding == "same":
        total = [d * (k - 1) for d, k in zip(dilation, (kh, kw))]
        pads = (total[0] // 2, total[0] - total[0] // 2, total[1] // 2, total[1] - total[1] // 2)
    elif padding == "valid":
        pads = (0, 0, 0, 0)
    else:
        ph, pw = pair(padding, "padding")
        pads = (ph, ph, pw, pw)
    cols = F.im2col(input, (kh, kw), stride, pads, dilation)
    oh = (h + pads[0] + pads[1] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (w + pads[2] + pads[3] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    w2 = F.reshape(weight, (out_ch, c_per_group * kh * kw))
    if groups == 1:
        out = F.matmul(w2, cols)
    else:
        k, o = c_per_group * kh * kw, out_ch // groups
        out = F.cat([F.matmul(F.getitem(w2, (slice(g * o, (g + 1) * o),)),
                              F.getitem(cols, (slice(g * k, (g + 1) * k),))) for g in range(groups)], 0)
    if bias is not None:
        out = F.add(out, F.reshape(bias, (out_ch, 1)))
    # (O, OH*OW*N) is NCHW once N moves to the front: a view, no copy (memory stays CHWN)
    return F.permute(F.reshape(out, (out_ch, oh, ow, n)), (3, 0, 1, 2))


def _samples():
    return [Sample((randn(2, 3, 7, 7), randn(4, 3, 3, 3, seed=1), randn(4, seed=2)), {}),
            Sample((randn(1, 4, 8, 9), randn(6, 2, 3, 2, seed=1)), {"stride": 2, "padding": 1, "groups": 2}),
            Sample((randn(1, 2, 9, 9), randn(3, 2, 3, 3, seed=1)), {"dilation": 2, "padding": (1, 2)})]


register(OpDef(name="conv2d", impl=conv2d, variants=Variants(functional=True), samples=_samples,
               onnx=Onnx(emit=lambda e, **a: e.conv(**a)),
               torch_ref=lambda torch, x, w, b=None, **kw: torch.nn.functional.conv2d(x, w, b, **kw)))
