"""max_pool3d: 3-D max pooling as max_pool2d over the depth slices each window meets, then the
elementwise maximum over the window's depth (a max of maxes)."""
import math

from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .common import out_size, triple
from .conv3d import depth_slices


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """3-D max pooling (PyTorch's ``max_pool3d``): the maximum of each kernel_size window of an
    (N, C, D, H, W) input (or an unbatched (C, D, H, W) one).

    Args:
        kernel_size: an int or a (d, h, w) triple.
        stride: likewise; None (the default) is kernel_size.
        padding: -inf padding on both sides, at most half the kernel.
        dilation: spacing between window elements.
        ceil_mode, return_indices: not supported (an error says so).

    Example::

        >>> x = ug.arange(8.0).reshape(1, 1, 2, 2, 2)
        >>> ug.max_pool3d(x, 2)
        tensor([[[[[7.]]]]])
    """
    if ceil_mode or return_indices:
        raise ShapeError("max_pool3d: ceil_mode and return_indices are not supported yet")
    if input.ndim == 4:
        return F.squeeze(max_pool3d(F.unsqueeze(input, 0), kernel_size, stride, padding, dilation), 0)
    if input.ndim != 5:
        raise ShapeError(f"max_pool3d: expected input (N, C, D, H, W), got {tuple(input.shape)}")
    k = triple(kernel_size, "kernel_size")
    s = k if stride is None or (not isinstance(stride, int) and len(tuple(stride)) == 0) else triple(stride, "stride")
    p, d = triple(padding, "padding"), triple(dilation, "dilation")
    if any(2 * pi > ki for pi, ki in zip(p, k)):
        raise ShapeError(f"max_pool3d: padding {p} must be at most half the kernel {k}")
    n, c = input.shape[:2]
    if p[0]:
        input = F.pad(input, (0, 0, 0, 0, p[0], p[0]), value=-math.inf)
    depth_out = out_size(input.shape[2], k[0], s[0], 0, 0, d[0])
    if depth_out <= 0:
        raise ShapeError(f"max_pool3d: the window depth {k[0]} does not fit the input {tuple(input.shape)}")
    out = None
    for kd in range(k[0]):
        plane = F.max_pool2d(depth_slices(input, k[0], kd, s[0], d[0], depth_out), k[1:], s[1:], p[1:], d[1:])
        out = plane if out is None else F.maximum(out, plane)
    return F.movedim(F.reshape(out, (n, depth_out, c) + tuple(out.shape[2:])), 1, 2)


register(OpDef(name="max_pool3d", impl=max_pool3d, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(2, 3, 4, 4, 4),), {"kernel_size": 2}),
                                Sample((randn(1, 2, 5, 7, 6),), {"kernel_size": 3, "stride": 2, "padding": 1}),
                                Sample((randn(1, 2, 6, 5, 5),), {"kernel_size": (2, 3, 2), "dilation": (2, 1, 1),
                                                                 "stride": 1}),
                                Sample((randn(2, 4, 4, 4),), {"kernel_size": 2})],
               torch_ref=lambda torch, x, **kw: torch.nn.functional.max_pool3d(x, **kw)))
