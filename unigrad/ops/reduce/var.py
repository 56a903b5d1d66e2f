"""var: the variance over any set of dims, a composite of mean, sub, mul, sum and div."""
from .. import api as F
from ..registry import OpDef, Variants, register
from .common import count, torch_var, var_samples


def var(input, dim=None, unbiased=None, keepdim=False, correction=None):
    """The variance of input over `dim` (an int, a tuple of ints, or None for all of them):
    ``sum((input - mean) ** 2) / (n - correction)`` with n the number of elements reduced.

    Args:
        correction: subtracted from n; 1 (Bessel's correction) unless given.
        unbiased: the older spelling: False means correction=0 (used when correction is None).
        keepdim: keep each reduced dim with size 1, so that the result broadcasts against input.

    Example::

        >>> x = ug.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        >>> ug.var(x)
        tensor(3.5)
        >>> x.var(dim=1, correction=0)
        tensor([0.6667, 0.6667])
    """
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    centered = F.sub(input, F.mean(input, dim=dim, keepdim=True))
    n = count(tuple(input.shape), dim)
    return F.div(F.sum(F.mul(centered, centered), dim=dim, keepdim=keepdim), float(max(n - correction, 0)))


register(OpDef(name="var", impl=var, variants=Variants(methods=("var",)), samples=var_samples,
               torch_ref=torch_var("var")))
