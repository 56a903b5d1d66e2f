"""avg_pool3d and adaptive_avg_pool3d: 3-D average pooling as 2-D pooling of the depth slices a
window meets, averaged over the window's depth (composites of avg_pool2d / adaptive_avg_pool2d)."""
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .common import adaptive_windows, out_size, triple
from .conv3d import depth_slices


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """3-D average pooling of (N, C, D, H, W) input (or unbatched (C, D, H, W)), as torch's
    avg_pool3d; padding counts as zeros in the mean (count_include_pad=False with padding,
    ceil_mode and divisor_override are not supported).

    Example::

        >>> ug.nn.functional.avg_pool3d(ug.arange(8.0).reshape(1, 1, 2, 2, 2), 2)
        tensor([[[[[3.5]]]]])
    """
    if ceil_mode or divisor_override is not None:
        raise ShapeError("avg_pool3d: ceil_mode and divisor_override are not supported yet")
    if input.ndim == 4:
        return F.squeeze(avg_pool3d(F.unsqueeze(input, 0), kernel_size, stride, padding, ceil_mode, count_include_pad), 0)
    if input.ndim != 5:
        raise ShapeError(f"avg_pool3d: expected (N, C, D, H, W) input, got {tuple(input.shape)}")
    k = triple(kernel_size, "kernel_size")
    s = k if stride is None or stride == () else triple(stride, "stride")
    p = triple(padding, "padding")
    if not count_include_pad and any(p):
        raise ShapeError("avg_pool3d: count_include_pad=False with padding is not supported yet")
    n, c = input.shape[:2]
    x = F.pad(input, (0, 0, 0, 0, p[0], p[0])) if p[0] else input
    depth_out = out_size(x.shape[2], k[0], s[0], 0, 0, 1)
    if depth_out <= 0:
        raise ShapeError(f"avg_pool3d: the window depth {k[0]} does not fit the input {tuple(input.shape)}")
    total = None
    for kd in range(k[0]):
        plane = F.avg_pool2d(depth_slices(x, k[0], kd, s[0], 1, depth_out), k[1:], s[1:], p[1:])
        total = plane if total is None else F.add(total, plane)
    out = F.div(total, k[0])
    return F.movedim(F.reshape(out, (n, depth_out, c) + tuple(out.shape[2:])), 1, 2)


def adaptive_avg_pool3d(input, output_size):
    """3-D average pooling to a fixed output size (torch's adaptive_avg_pool3d): depth windows by
    torch's adaptive rule, each averaged after a 2-D adaptive pooling of its slices.

    Example::

        >>> ug.nn.functional.adaptive_avg_pool3d(ug.ones(1, 2, 3, 4, 4), 1).shape
        unigrad.Size([1, 2, 1, 1, 1])
    """
    if input.ndim == 4:
        return F.squeeze(adaptive_avg_pool3d(F.unsqueeze(input, 0), output_size), 0)
    if input.ndim != 5:
        raise ShapeError(f"adaptive_avg_pool3d: expected (N, C, D, H, W) input, got {tuple(input.shape)}")
    od, oh, ow = triple(output_size, "output_size")
    n, c, d = input.shape[:3]
    od, oh, ow = (d if od is None else od, input.shape[3] if oh is None else oh, input.shape[4] if ow is None else ow)
    planes = F.adaptive_avg_pool2d(F.reshape(input, (n * c * d, 1) + tuple(input.shape[3:])), (oh, ow))
    planes = F.reshape(planes, (n, c, d, oh, ow))
    return F.cat([F.mean(planes[:, :, a:b], dim=2, keepdim=True) for a, b in adaptive_windows(d, od)], 2)


register(OpDef(name="avg_pool3d", impl=avg_pool3d, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(2, 3, 4, 4, 4), 2)), Sample((randn(1, 2, 5, 6, 5), 3), {"stride": 2, "padding": 1}),
                                Sample((randn(2, 4, 4, 4), (2, 1, 2)), {"stride": 1})],
               torch_ref=lambda torch, x, k, **kw: torch.nn.functional.avg_pool3d(x, k, **kw)))
register(OpDef(name="adaptive_avg_pool3d", impl=adaptive_avg_pool3d, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(2, 3, 5, 6, 7), (2, 3, 4))), Sample((randn(2, 4, 4, 4), 1))],
               torch_ref=lambda torch, x, o: torch.nn.functional.adaptive_avg_pool3d(x, o)))
