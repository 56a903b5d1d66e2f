"""huber_loss: smooth_l1_loss scaled by its threshold delta, a composite."""
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn


def huber_loss(input, target, reduction="mean", delta=1.0):
    """Per element, with d = abs(input - target) (the two of one shape): ``0.5 * d ** 2`` where
    d < delta, else ``delta * (d - 0.5 * delta)``; that is ``delta * smooth_l1_loss(beta=delta)``.
    Reduced by reduction: "mean", "sum" or "none".

    Example::

        >>> p, q = ug.tensor([1.0, 2.0, 3.0]), ug.tensor([1.5, 2.0, 0.0])
        >>> ug.nn.functional.huber_loss(p, q)
        tensor(0.875)
        >>> ug.nn.functional.huber_loss(p, q, reduction="none", delta=0.5)
        tensor([0.125, 0.   , 1.375])
    """
    return F.mul(F.smooth_l1_loss(input, target, reduction, beta=delta), delta)


register(OpDef(name="huber_loss", impl=huber_loss, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(3, 4) * 2, randn(3, 4, seed=1) * 2)),
                                Sample((randn(3, 4), randn(3, 4, seed=1)), {"delta": 0.5, "reduction": "none"}),
                                Sample((randn(3, 4), randn(3, 4, seed=1)), {"delta": 2.0, "reduction": "sum"})],
               torch_ref=lambda torch, x, t, **kw: torch.nn.functional.huber_loss(x, t, **kw)))
