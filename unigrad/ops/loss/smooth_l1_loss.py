"""smooth_l1_loss: squared error below beta, absolute error above it, reduced, a composite."""
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .common import check_same, reduce_loss


def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    """Per element, with d = abs(input - target) (the two of one shape): ``0.5 * d ** 2 / beta``
    where d < beta, else ``d - 0.5 * beta`` (beta=0: the L1 loss); reduced by reduction: "mean",
    "sum" or "none".

    Example::

        >>> p, q = ug.tensor([1.0, 2.0, 3.0]), ug.tensor([1.5, 2.0, 0.0])
        >>> ug.nn.functional.smooth_l1_loss(p, q)
        tensor(0.875)
        >>> ug.nn.functional.smooth_l1_loss(p, q, reduction="none", beta=0.5)
        tensor([0.25, 0.  , 2.75])
    """
    check_same(input, target, "smooth_l1_loss")
    diff = F.abs(F.sub(input, target))
    if beta == 0:
        return reduce_loss(diff, reduction, "smooth_l1_loss")
    loss = F.where(F.lt(diff, beta), F.div(F.mul(F.mul(diff, diff), 0.5), beta), F.sub(diff, 0.5 * beta))
    return reduce_loss(loss, reduction, "smooth_l1_loss")


register(OpDef(name="smooth_l1_loss", impl=smooth_l1_loss, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(3, 4) * 2, randn(3, 4, seed=1) * 2)),
                                Sample((randn(3, 4), randn(3, 4, seed=1)), {"beta": 0.5, "reduction": "none"})],
               torch_ref=lambda torch, x, t, **kw: torch.nn.functional.smooth_l1_loss(x, t, **kw)))
