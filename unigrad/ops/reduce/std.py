"""std: the standard deviation over any set of dims, the square root of var."""
from .. import api as F
from ..registry import OpDef, Variants, register
from .common import torch_var, var_samples


def std(input, dim=None, unbiased=None, keepdim=False, correction=None):
    """The standard deviation of input over `dim`: ``sqrt(var(input, dim, ...))``, with var's
    arguments (correction 1 unless given, or unbiased=False for 0).

    Example::

        >>> x = ug.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        >>> ug.std(x)
        tensor(1.8708)
        >>> x.std(dim=0)
        tensor([2.1213, 2.1213, 2.1213])
    """
    return F.sqrt(F.var(input, dim=dim, unbiased=unbiased, keepdim=keepdim, correction=correction))


register(OpDef(name="std", impl=std, variants=Variants(methods=("std",)), samples=var_samples,
               torch_ref=torch_var("std")))
