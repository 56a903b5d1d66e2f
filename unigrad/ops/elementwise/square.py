"""square: input * input, a composite of mul."""
from .. import api as F
from ..registry import OpDef, Variants, register
from .unary import any_samples


def square(input):
    """``input * input``, elementwise.

    Example::

        >>> ug.square(ug.tensor([-2.0, 3.0]))
        tensor([4., 9.])
    """
    return F.mul(input, input)


register(OpDef(name="square", impl=square, variants=Variants(methods=("square",)), samples=any_samples,
               torch_ref=lambda torch, x: torch.square(x)))
