"""binary_cross_entropy_with_logits: sigmoid and binary_cross_entropy in one stable formula, a composite."""
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import positive, randn
from .common import check_same, probs, reduce_loss


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    """``binary_cross_entropy(sigmoid(input), target)`` computed from the logits input as
    ``-(pos_weight * target * log_sigmoid(input) + (1 - target) * log_sigmoid(-input))``, stable
    for large ``|input|``.

    Args:
        input, target: logits and targets in [0, 1], of one shape.
        weight: multiplies each element's loss (broadcasting), or None.
        reduction: "mean", "sum" or "none".
        pos_weight: multiplies the positive term (broadcasting; a (C,) weight per class), or None.

    Example::

        >>> z, y = ug.tensor([2.0, -1.0, 0.0]), ug.tensor([1.0, 0.0, 1.0])
        >>> ug.nn.functional.binary_cross_entropy_with_logits(z, y)
        tensor(0.3778)
        >>> ug.nn.functional.binary_cross_entropy_with_logits(z, y, pos_weight=ug.tensor(2.0))
        tensor(0.6511)
    """
    check_same(input, target, "binary_cross_entropy_with_logits")
    # log(sigmoid(x)) = -softplus(-x), log(1 - sigmoid(x)) = -softplus(x): stable for large |x|
    log_sig = F.neg(F.softplus(F.neg(input)))
    log_one_minus = F.neg(F.softplus(input))
    pos = F.mul(target, log_sig)
    if pos_weight is not None:
        pos = F.mul(pos, pos_weight)
    loss = F.neg(F.add(pos, F.mul(F.rsub(target, 1.0), log_one_minus)))
    if weight is not None:
        loss = F.mul(loss, weight)
    return reduce_loss(loss, reduction, "binary_cross_entropy_with_logits")


register(OpDef(name="binary_cross_entropy_with_logits", impl=binary_cross_entropy_with_logits,
               variants=Variants(functional=True),
               samples=lambda: [Sample((randn(3, 4) * 3, probs(3, 4, seed=1))),
                                Sample((randn(5), probs(5, seed=1), positive(5, seed=2)),
                                       {"reduction": "sum"}, diff=(0, 1))],
               torch_ref=lambda torch, x, t, w=None, **kw: torch.nn.functional.binary_cross_entropy_with_logits(
                   x, t, w, **kw)))
