"""conv3d: a 3-D convolution as one conv2d per kernel depth: each takes the depth slices that
kernel plane meets (a strided view, folded into the batch), and the planes' results are summed."""
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .common import out_size, triple


def depth_slices(x, k, kd, stride, dilation, depth_out):
    """x[:, :, kd*dilation + stride*od] for every output depth od, as (N * depth_out, C, H, W)."""
    start = kd * dilation
    view = x[:, :, start:start + stride * (depth_out - 1) + 1:stride]
    view = F.movedim(view, 2, 1)
    return F.reshape(view, (-1,) + tuple(view.shape[2:]))


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """A 3-D convolution (cross-correlation, as PyTorch's ``conv3d``) of an (N, C_in, D, H, W)
    input (or an unbatched (C_in, D, H, W) one).

    Args:
        input: (N, C_in, D, H, W).
        weight: (C_out, C_in / groups, kD, kH, kW).
        bias: (C_out,) or None.
        stride, padding, dilation: ints or (d, h, w) triples; padding is zeros on both sides.
        groups: channels split into this many groups.

    Returns:
        (N, C_out, D_out, H_out, W_out), each ``(size + 2 * pad - dilation * (k - 1) - 1) // stride + 1``.

    Example::

        >>> ug.conv3d(ug.ones(1, 2, 4, 5, 5), ug.ones(3, 2, 2, 3, 3)).shape
        unigrad.Size([1, 3, 3, 3, 3])
    """
    if input.ndim == 4:
        return F.squeeze(conv3d(F.unsqueeze(input, 0), weight, bias, stride, padding, dilation, groups), 0)
    if input.ndim != 5 or weight.ndim != 5:
        raise ShapeError(f"conv3d: expected input (N, C, D, H, W) and weight (C_out, C_in/groups, kD, kH, kW), got "
                         f"{tuple(input.shape)} and {tuple(weight.shape)}")
    if isinstance(padding, str):
        raise ShapeError("conv3d: string padding is not supported; give the padding per side")
    s, p, d = triple(stride, "stride"), triple(padding, "padding"), triple(dilation, "dilation")
    n, kd_size = input.shape[0], weight.shape[2]
    if p[0]:
        input = F.pad(input, (0, 0, 0, 0, p[0], p[0]))
    depth_out = out_size(input.shape[2], kd_size, s[0], 0, 0, d[0])
    if depth_out <= 0:
        raise ShapeError(f"conv3d: kernel depth {kd_size} (dilation {d[0]}) is larger than the padded input depth "
                         f"{input.shape[2]} (input {tuple(input.shape)})")
    out = None
    for kd in range(kd_size):
        plane = F.conv2d(depth_slices(input, kd_size, kd, s[0], d[0], depth_out), weight[:, :, kd], None,
                         s[1:], p[1:], d[1:], groups)
        out = plane if out is None else F.add(out, plane)
    out = F.movedim(F.reshape(out, (n, depth_out) + tuple(out.shape[1:])), 1, 2)
    if bias is not None:
        out = F.add(out, F.reshape(bias, (1, -1, 1, 1, 1)))
    return out


register(OpDef(name="conv3d", impl=conv3d, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(2, 3, 4, 5, 5), randn(4, 3, 2, 3, 3, seed=1), randn(4, seed=2)),
                                       {"padding": 1}),
                                Sample((randn(1, 4, 7, 6, 6), randn(2, 2, 3, 2, 2, seed=1)),
                                       {"stride": (2, 1, 2), "dilation": (2, 1, 1), "groups": 2}),
                                Sample((randn(2, 4, 4, 4), randn(3, 2, 1, 1, 1, seed=1)), {})],
               torch_ref=lambda torch, x, w, b=None, **kw: torch.nn.functional.conv3d(x, w, b, **kw)))
