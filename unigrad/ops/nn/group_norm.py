"""group_norm: normalisation over groups of channels of each sample, a composite."""
from ...errors import ShapeError
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import positive, randn
from .common import channel_affine


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """``(x - mean) / sqrt(var + eps)`` over each sample's groups of C / num_groups channels
    (and all their positions), then ``* weight + bias`` per channel (PyTorch's ``group_norm``).

    Args:
        input: (N, C, ...), C divisible by num_groups.
        num_groups: how many groups the channels split into.
        weight, bias: (C,) tensors or None.
        eps: added to the (biased) variance.

    Example::

        >>> ug.group_norm(ug.tensor([[1.0, 3.0, 0.0, 4.0]]).reshape(1, 4, 1), 2).flatten()
        tensor([-1.,  1., -1.,  1.])
        >>> ug.group_norm(ug.randn(8, 32, 16, 16), 4).shape
        unigrad.Size([8, 32, 16, 16])
    """
    n, c = input.shape[:2]
    if c % num_groups:
        raise ShapeError(f"group_norm: {c} channels are not divisible by num_groups={num_groups}")
    grouped = F.reshape(input, (n, num_groups, -1))
    mean = F.mean(grouped, dim=2, keepdim=True)
    centered = F.sub(grouped, mean)
    var = F.mean(F.mul(centered, centered), dim=2, keepdim=True)
    out = F.reshape(F.mul(centered, F.rsqrt(F.add(var, eps))), tuple(input.shape))
    return channel_affine(out, weight, bias)


register(OpDef(name="group_norm", impl=group_norm, variants=Variants(functional=True),
               onnx=Onnx(emit=lambda e, **a: e.group_norm(**a), opset=21),
               samples=lambda: [Sample((randn(2, 6, 3, 3), 3, positive(6, seed=1), randn(6, seed=2))),
                                Sample((randn(3, 4, 5), 2))],
               torch_ref=lambda torch, x, groups, w=None, b=None: torch.nn.functional.group_norm(x, groups, w, b)))
