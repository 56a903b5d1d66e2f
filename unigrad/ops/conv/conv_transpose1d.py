"""conv_transpose1d: a 1-D transposed convolution as conv_transpose2d over a height of 1."""
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .common import pair


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """A 1-D transposed convolution (the gradient of conv1d with respect to its input, as
    PyTorch's ``conv_transpose1d``) of an (N, C_in, L) input, run as ``conv_transpose2d`` over
    (N, C_in, 1, L).

    Args:
        input: (N, C_in, L).
        weight: (C_in, C_out / groups, k).
        bias: (C_out,) or None.
        stride, padding, output_padding, dilation: ints (or 1-sequences).
        groups: channels split into this many groups.

    Returns:
        (N, C_out, L_out), L_out = (L - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1.

    Example::

        >>> ug.conv_transpose1d(ug.tensor([[[1.0, 2.0]]]), ug.tensor([[[1.0, 10.0, 100.0]]]), stride=2)
        tensor([[[  1.,  10., 102.,  20., 200.]]])
    """
    if input.ndim != 3:
        raise ShapeError(f"conv_transpose1d: expected input of shape (N, C, L), got {tuple(input.shape)}")
    one = lambda v: (0 if v is None else pair(v)[0])  # noqa: E731
    out = F.conv_transpose2d(F.unsqueeze(input, 2), F.unsqueeze(weight, 2), bias, (1, one(stride)), (0, one(padding)),
                             (0, one(output_padding)), groups, (1, one(dilation)))
    return F.squeeze(out, 2)


register(OpDef(name="conv_transpose1d", impl=conv_transpose1d, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(2, 3, 5), randn(3, 4, 3, seed=1), randn(4, seed=2)), {"stride": 2}),
                                Sample((randn(1, 4, 6), randn(4, 1, 2, seed=1)),
                                       {"stride": 3, "padding": 1, "output_padding": 1, "groups": 2, "dilation": 2})],
               torch_ref=lambda torch, x, w, b=None, **kw: torch.nn.functional.conv_transpose1d(x, w, b, **kw)))
