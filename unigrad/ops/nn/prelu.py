"""prelu: x where x >= 0, weight * x below, with a learned slope per channel (or one shared), a
composite of where."""
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn


def prelu(input, weight):
    """``max(0, x) + weight * min(0, x)``, elementwise, as PyTorch's prelu: weight holds one slope
    or one per channel (dim 1 of input; a 1-D input is one channel).

    Example::

        >>> ug.prelu(ug.tensor([[-2.0, 3.0], [-1.0, -4.0]]), ug.tensor([0.5, 0.1]))
        tensor([[-1. ,  3. ],
                [-0.5, -0.4]])
    """
    if weight.numel() != 1:
        channels = input.shape[1] if input.ndim >= 2 else 1  # torch: a 1-D input is one channel
        if weight.ndim != 1 or weight.numel() != channels:
            raise ShapeError(f"prelu: weight must hold 1 or {channels} (the channels) slopes, got shape "
                             f"{tuple(weight.shape)} for input {tuple(input.shape)}")
        if input.ndim >= 2:
            weight = F.reshape(weight, (1, -1) + (1,) * (input.ndim - 2))
    elif input.ndim:
        weight = F.reshape(weight, ())
    return F.where(F.ge(input, 0.0), input, F.mul(weight, input))


register(OpDef(name="prelu", impl=prelu, variants=Variants(methods=("prelu",), functional=True),
               samples=lambda: [Sample((randn(2, 3, 4), randn(3, seed=1) * 0.3)), Sample((randn(5, 2), randn(1, seed=2))),
                                Sample((randn(4), randn(1, seed=3)))],
               torch_ref=lambda torch, x, w: torch.nn.functional.prelu(x, w)))
