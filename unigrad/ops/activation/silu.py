"""silu (swish): input * sigmoid(input), a composite."""
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn


def silu(input, inplace=False):
    """``input * sigmoid(input)`` (inplace is accepted for PyTorch's signature; the result is
    always a new tensor).

    Example::

        >>> ug.nn.functional.silu(ug.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.2689,  0.    ,  0.7311])
    """
    return F.mul(input, F.sigmoid(input))


register(OpDef(name="silu", impl=silu, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(3, 4),)), Sample((randn(5, seed=2) * 3,))],
               torch_ref=lambda torch, x: torch.nn.functional.silu(x)))
