"""var_mean: the variance and the mean over the same dims, as torch.var_mean."""
from .. import api as F
from ..registry import OpDef, Variants, register
from .common import torch_var, var_samples


def var_mean(input, dim=None, unbiased=None, keepdim=False, correction=None):
    """A (variance, mean) tuple of input over `dim`, with var's arguments (correction 1 unless
    given, or unbiased=False for 0); keepdim applies to both.

    Example::

        >>> x = ug.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        >>> ug.var_mean(x, dim=1)
        (tensor([1., 1.]), tensor([2., 5.]))
    """
    return F.var(input, dim, unbiased, keepdim, correction), F.mean(input, dim=dim, keepdim=keepdim)


register(OpDef(name="var_mean", impl=var_mean, variants=Variants(), samples=var_samples,
               torch_ref=torch_var("var_mean")))
