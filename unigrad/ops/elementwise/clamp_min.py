"""clamp_min and clamp_max: clamp with one bound (torch's names), composites of clamp."""
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import away_from


def clamp_min(input, min):
    """Each element raised to at least min: ``clamp(input, min=min)`` (torch.clamp_min).

    Example::

        >>> ug.clamp_min(ug.tensor([-1.0, 2.0]), 0.5)
        tensor([0.5, 2. ])
    """
    return F.clamp(input, min=min)


def clamp_max(input, max):
    """Each element lowered to at most max: ``clamp(input, max=max)`` (torch.clamp_max).

    Example::

        >>> ug.clamp_max(ug.tensor([-1.0, 2.0]), 0.5)
        tensor([-1. ,  0.5])
    """
    return F.clamp(input, max=max)


register(OpDef(name="clamp_min", impl=clamp_min, variants=Variants(methods=("clamp_min",), inplace=("clamp_min_",)),
               samples=lambda: [Sample((away_from(3, 4, points=(0.2,)), 0.2))],
               torch_ref=lambda torch, x, m: torch.clamp_min(x, m)))
register(OpDef(name="clamp_max", impl=clamp_max, variants=Variants(methods=("clamp_max",), inplace=("clamp_max_",)),
               samples=lambda: [Sample((away_from(3, 4, points=(0.2,)), 0.2))],
               torch_ref=lambda torch, x, m: torch.clamp_max(x, m)))
