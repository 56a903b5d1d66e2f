"""conv1d, conv2d, conv_transpose2d as compositions of im2row/row2im and one GEMM per group."""
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, register
from ..sampling import randn


def pair(v, name="argument"):
    if isinstance(v, int):
        return (v, v)
    v = tuple(v)
    if len(v) == 1:
        return (v[0], v[0])
    if len(v) != 2:
        raise ShapeError(f"{name} must be an int or a pair, got {v}")
    return v


def _check_conv(x, weight, groups, name):
    if x.ndim != 4:
        raise ShapeError(f"{name}: expected input of shape (N, C, H, W), got {tuple(x.shape)}")
    if weight.ndim != 4:
        raise ShapeError(f"{name}: expected weight of shape (out, in/groups, kh, kw), got {tuple(weight.shape)}")
    if x.shape[1] % groups:
        raise ShapeError(f"{name}: input channels {x.shape[1]} are not divisible by groups={groups}")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    _check_conv(input, weight, groups, "conv2d")
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
        out = F.cat([F.matmul(F.getitem(w2, (slice(g * o, (g + 1) * o),)), F.getitem(cols, (slice(g * k, (g + 1) * k),)))
                     for g in range(groups)], 0)
    if bias is not None:
        out = F.add(out, F.reshape(bias, (out_ch, 1)))
    # (O, OH*OW*N) is NCHW once N moves to the front: a view, no copy (memory stays CHWN)
    return F.permute(F.reshape(out, (out_ch, oh, ow, n)), (3, 0, 1, 2))


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    if input.ndim != 3:
        raise ShapeError(f"conv1d: expected input of shape (N, C, L), got {tuple(input.shape)}")
    padding = padding if isinstance(padding, str) else (0, pair(padding)[0])
    out = conv2d(F.unsqueeze(input, 2), F.unsqueeze(weight, 2), bias, (1, pair(stride)[0]), padding,
                 (1, pair(dilation)[0]), groups)
    return F.squeeze(out, 2)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """The adjoint of conv2d w.r.t. its input: rows = x @ W, then row2im."""
    _check_conv(input, weight, groups, "conv_transpose2d")
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


def _conv_samples():
    return [Sample((randn(2, 3, 7, 7), randn(4, 3, 3, 3, seed=1), randn(4, seed=2)), {}),
            Sample((randn(1, 4, 8, 9), randn(6, 2, 3, 2, seed=1)), {"stride": 2, "padding": 1, "groups": 2}),
            Sample((randn(1, 2, 9, 9), randn(3, 2, 3, 3, seed=1)), {"dilation": 2, "padding": (1, 2)})]


register(OpDef(name="conv2d", impl=conv2d, samples=_conv_samples,
               torch_ref=lambda torch, x, w, b=None, **kw: torch.nn.functional.conv2d(x, w, b, **kw)))
register(OpDef(name="conv1d", impl=conv1d,
               samples=lambda: [Sample((randn(2, 3, 10), randn(4, 3, 3, seed=1), randn(4, seed=2)), {"padding": 1}),
                                Sample((randn(1, 4, 11), randn(4, 2, 2, seed=1)), {"stride": 2, "groups": 2,
                                                                                  "dilation": 2})],
               torch_ref=lambda torch, x, w, b=None, **kw: torch.nn.functional.conv1d(x, w, b, **kw)))
register(OpDef(name="conv_transpose2d", impl=conv_transpose2d,
               samples=lambda: [Sample((randn(2, 3, 4, 4), randn(3, 2, 3, 3, seed=1), randn(2, seed=2)), {}),
                                Sample((randn(1, 4, 3, 5), randn(4, 3, 3, 2, seed=1)),
                                       {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2}),
                                Sample((randn(1, 2, 4, 4), randn(2, 2, 2, 2, seed=1)), {"dilation": 2, "stride": 3})],
               torch_ref=lambda torch, x, w, b=None, **kw: torch.nn.functional.conv_transpose2d(x, w, b, **kw)))
