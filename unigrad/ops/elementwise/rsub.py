"""rsub: other - input (the reflected subtraction of `2 - x`), a composite of sub."""
from .. import api as F
from ..registry import OpDef, Variants, register
from ..sampling import randn
from .binary import binary_samples


def rsub(input, other, alpha=1):
    """``other - alpha * input``: sub with the operands swapped.

    Example::

        >>> ug.rsub(ug.tensor([1.0, 2.0]), 10)
        tensor([9., 8.])
    """
    return F.sub(other, input, alpha=alpha)


rsub_op = OpDef(name="rsub", impl=rsub, variants=Variants(),
                samples=binary_samples(second=randn), torch_ref=lambda torch, a, b: torch.rsub(a, b))
register(rsub_op)
