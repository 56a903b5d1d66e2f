"""conv1d: a 1-D convolution as conv2d over a height of 1."""
from ...errors import ShapeError
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from .common import pair


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """A 1-D convolution (cross-correlation, as in PyTorch's ``conv1d``) over an (N, C, L) input,
    run as ``conv2d`` over (N, C, 1, L).

    Args:
        input: (N, C_in, L).
        weight: (C_out, C_in / groups, k).
        bias: (C_out,) or None.
        stride, padding, dilation: ints (or 1-sequences); padding may be "valid" or "same".
        groups: input and output channels split into this many groups, convolved separately.

    Returns:
        (N, C_out, L_out) with L_out = (L + 2 * padding - dilation * (k - 1) - 1) // stride + 1.

    Example::

        >>> ug.conv1d(ug.tensor([[[1.0, 2.0, 3.0, 4.0]]]), ug.tensor([[[1.0, -1.0]]]))
        tensor([[[-1., -1., -1.]]])
        >>> ug.conv1d(ug.randn(4, 3, 100), ug.randn(8, 3, 5), padding="same").shape
        unigrad.Size([4, 8, 100])
    """
    if input.ndim != 3:
        raise ShapeError(f"conv1d: expected input of shape (N, C, L), got {tuple(input.shape)}")
    padding = padding if isinstance(padding, str) else (0, pair(padding)[0])
    out = F.conv2d(F.unsqueeze(input, 2), F.unsqueeze(weight, 2), bias, (1, pair(stride)[0]), padding,
                   (1, pair(dilation)[0]), groups)
    return F.squeeze(out, 2)


register(OpDef(name="conv1d", impl=conv1d, variants=Variants(functional=True),
               onnx=Onnx(emit=lambda e, **a: e.conv(**a)),
               samples=lambda: [Sample((randn(2, 3, 10), randn(4, 3, 3, seed=1), randn(4, seed=2)), {"padding": 1}),
                                Sample((randn(1, 4, 11), randn(4, 2, 2, seed=1)), {"stride": 2, "groups": 2,
                                                                                  "dilation": 2})],
               torch_ref=lambda torch, x, w, b=None, **kw: torch.nn.functional.conv1d(x, w, b, **kw)))
