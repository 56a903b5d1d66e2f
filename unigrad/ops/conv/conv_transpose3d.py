"""conv_transpose3d: a 3-D transposed convolution as one conv_transpose2d per kernel depth over
all input depth slices (folded into the batch), their planes added at depth id * stride +
kd * dilation with index_add, then the padding cropped."""
import numpy as np

from ...core.tensor import tensor as _tensor
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .common import triple


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """A 3-D transposed convolution (conv3d's gradient with respect to its input), as torch's
    conv_transpose3d, of (N, C_in, D, H, W) input with weight (C_in, C_out / groups, kD, kH, kW).

    Example::

        >>> ug.nn.functional.conv_transpose3d(ug.ones(1, 2, 2, 3, 3), ug.ones(2, 4, 2, 2, 2), stride=2).shape
        unigrad.Size([1, 4, 4, 6, 6])
    """
    if input.ndim == 4:
        return F.squeeze(conv_transpose3d(F.unsqueeze(input, 0), weight, bias, stride, padding, output_padding, groups,
                                          dilation), 0)
    if input.ndim != 5 or weight.ndim != 5:
        raise ShapeError(f"conv_transpose3d: expected input (N, C, D, H, W) and weight (C_in, C_out/groups, kD, kH, kW), "
                         f"got {tuple(input.shape)} and {tuple(weight.shape)}")
    s, p, op, d = (triple(v, name) for v, name in ((stride, "stride"), (padding, "padding"),
                                                    (output_padding, "output_padding"), (dilation, "dilation")))
    n, _, depth = input.shape[:3]
    kd_size = weight.shape[2]
    full = (depth - 1) * s[0] + d[0] * (kd_size - 1) + 1 + op[0]
    slices = F.reshape(F.movedim(input, 2, 1), (n * depth,) + (input.shape[1],) + tuple(input.shape[3:]))
    out = None
    for kd in range(kd_size):
        plane = F.conv_transpose2d(slices, weight[:, :, kd], None, s[1:], p[1:], op[1:], groups, d[1:])
        plane = F.reshape(plane, (n, depth) + tuple(plane.shape[1:]))
        if out is None:
            out = F.zeros(n, full, *plane.shape[2:], dtype=plane.dtype, device=plane.device)
        positions = _tensor(np.arange(depth) * s[0] + kd * d[0], device=input.device)
        out = F.index_add(out, 1, positions, plane)
    d_out = (depth - 1) * s[0] - 2 * p[0] + d[0] * (kd_size - 1) + op[0] + 1
    out = F.movedim(out[:, p[0]:p[0] + d_out], 1, 2)
    if bias is not None:
        out = F.add(out, F.reshape(bias, (1, -1, 1, 1, 1)))
    return out


register(OpDef(name="conv_transpose3d", impl=conv_transpose3d, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(2, 3, 3, 4, 4), randn(3, 2, 2, 3, 3, seed=1), randn(2, seed=2)), {"stride": 2}),
                                Sample((randn(1, 4, 3, 3, 3), randn(4, 1, 3, 2, 2, seed=1)),
                                       {"stride": (2, 1, 2), "padding": (1, 0, 1), "output_padding": (1, 0, 1), "groups": 2,
                                        "dilation": (1, 2, 1)})],
               torch_ref=lambda torch, x, w, b=None, **kw: torch.nn.functional.conv_transpose3d(x, w, b, **kw)))
