"""binary_cross_entropy: the cross-entropy of probabilities against binary targets, a composite."""
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import positive
from .common import check_same, probs, reduce_loss


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """``-(target * log(input) + (1 - target) * log(1 - input))`` per element, for probabilities
    input and targets in [0, 1] of one shape, times weight (broadcasting) if given; reduced by
    reduction: "mean", "sum" or "none". Each log is clamped at -100, as in PyTorch, so inputs of
    exactly 0 or 1 give a finite loss.

    Example::

        >>> p, y = ug.tensor([0.9, 0.2, 0.5]), ug.tensor([1.0, 0.0, 1.0])
        >>> ug.nn.functional.binary_cross_entropy(p, y)
        tensor(0.3406)
        >>> ug.nn.functional.binary_cross_entropy(p, y, reduction="none")
        tensor([0.1054, 0.2231, 0.6931])
    """
    check_same(input, target, "binary_cross_entropy")
    # PyTorch clamps the log terms at -100 so that p = 0 or 1 gives a finite loss
    log_p = F.clamp(F.log(input), min=-100.0)
    log_1mp = F.clamp(F.log(F.rsub(input, 1.0)), min=-100.0)
    loss = F.neg(F.add(F.mul(target, log_p), F.mul(F.rsub(target, 1.0), log_1mp)))
    if weight is not None:
        loss = F.mul(loss, weight)
    return reduce_loss(loss, reduction, "binary_cross_entropy")


register(OpDef(name="binary_cross_entropy", impl=binary_cross_entropy, variants=Variants(functional=True),
               samples=lambda: [Sample((probs(3, 4), probs(3, 4, seed=1))),
                                Sample((probs(5), probs(5, seed=1), positive(5, seed=2)), {"reduction": "sum"},
                                       diff=(0, 1))],
               torch_ref=lambda torch, x, t, w=None, **kw: torch.nn.functional.binary_cross_entropy(x, t, w, **kw)))
