"""isfinite: which elements are neither infinite nor NaN, a composite."""
import numpy as np

from .. import api as F
from ..registry import OpDef, Sample, Variants, register


def isfinite(input):
    """Whether each element is finite (not inf, -inf or NaN): a bool tensor.

    Example::

        >>> ug.isfinite(ug.tensor([1.0, float("inf"), float("nan")]))
        tensor([ True, False, False])
    """
    return F.logical_not(F.logical_or(F.isnan(input), F.eq(F.abs(input), float("inf"))))


register(OpDef(name="isfinite", impl=isfinite, variants=Variants(methods=("isfinite",)),
               samples=lambda: [Sample((np.array([1.0, np.inf, -np.inf, np.nan, -2.5]),), grad=False)],
               torch_ref=lambda torch, x: torch.isfinite(x)))
