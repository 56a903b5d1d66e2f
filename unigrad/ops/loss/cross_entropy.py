"""cross_entropy: log_softmax then nll_loss (or class probabilities), with PyTorch's options, a composite."""
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import positive, randn
from .common import class_dim_last, class_targets, probs, reduce_loss


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """The cross-entropy of logits input against targets: ``nll_loss(log_softmax(input, 1), target)``.

    Args:
        input: logits (N, C) or (N, C, d1, ...), or (C,) for one element.
        target: int class indices of input's shape without C, or float class probabilities of
            input's shape.
        weight: a (C,) weight per class, or None for 1.
        ignore_index: a class-index target that counts for nothing (and is left out of the mean).
        reduction: "mean", "sum", or "none" (target's shape for indices).
        label_smoothing: mixes the target with the uniform distribution by this much (0 to 1).

    Logits (N, C) with class indices and neither weight nor label smoothing run as one op,
    ``cross_entropy_index``.

    Example::

        >>> x = ug.tensor([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
        >>> ug.nn.functional.cross_entropy(x, ug.tensor([0, 2]))
        tensor(0.8955)
        >>> ug.nn.functional.cross_entropy(x, ug.tensor([0, 2]), label_smoothing=0.1)
        tensor(0.9455)
        >>> ug.nn.functional.cross_entropy(x, ug.tensor([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]]))
        tensor(0.6455)
    """
    if input.ndim == 2 and target.ndim == 1 and not target.dtype.is_floating_point and weight is None \
            and not label_smoothing and reduction in ("mean", "sum") and target.shape[0] == input.shape[0]:
        return F.cross_entropy_index(input, target, ignore_index, reduction)  # the common case, as one op
    logp = F.log_softmax(input, 1 if input.ndim >= 2 else 0)
    if target.dtype.is_floating_point:  # class probabilities
        if tuple(target.shape) != tuple(input.shape):
            raise ShapeError(f"cross_entropy: probability targets must have the input's shape {tuple(input.shape)}, "
                             f"got {tuple(target.shape)}")
        c = input.shape[1] if input.ndim >= 2 else input.shape[0]
        if label_smoothing:
            target = F.add(F.mul(target, 1 - label_smoothing), label_smoothing / c)
        prod = F.mul(logp, target)
        if weight is not None:
            prod = F.mul(prod, F.reshape(weight, (1, -1) + (1,) * (input.ndim - 2)))
        return reduce_loss(F.neg(F.sum(prod, dim=1 if input.ndim >= 2 else 0)), reduction, "cross_entropy")
    nll = F.nll_loss(logp, target, weight, ignore_index, "none" if label_smoothing else reduction)
    if not label_smoothing:
        return nll
    c = input.shape[1] if input.ndim >= 2 else input.shape[0]
    flat = class_dim_last(logp) if logp.ndim >= 2 else F.unsqueeze(logp, 0)
    tgt = F.reshape(target, (-1,))
    valid = F.to_dtype(F.ne(tgt, ignore_index), flat.dtype)
    per_class = flat if weight is None else F.mul(flat, weight)
    smooth = F.mul(F.neg(F.sum(per_class, dim=1)), valid)
    nll = F.reshape(nll, (-1,))
    loss = F.add(F.mul(nll, 1 - label_smoothing), F.mul(smooth, label_smoothing / c))
    if reduction == "mean":
        denom = F.sum(valid) if weight is None else F.sum(F.mul(F.getitem(weight, (F.where(
            F.ne(tgt, ignore_index), tgt, F.zeros_like(tgt)),)), valid))
        return F.div(F.sum(loss), denom)
    if reduction == "none":
        return F.reshape(loss, tuple(target.shape))
    return reduce_loss(loss, reduction, "cross_entropy")


register(OpDef(name="cross_entropy", impl=cross_entropy, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(5, 4), class_targets(5, 4))),
                                Sample((randn(5, 4), class_targets(5, 4, 1, ignore=2)),
                                       {"ignore_index": 2, "label_smoothing": 0.1}),
                                Sample((randn(5, 4), class_targets(5, 4, 2), positive(4, seed=3)),
                                       {"label_smoothing": 0.2}, diff=(0,)),
                                Sample((randn(2, 3, 2, 2), class_targets((2, 2, 2), 3)), {"reduction": "sum"}),
                                Sample((randn(4, 3), probs(4, 3, seed=5)), {})],
               torch_ref=lambda torch, x, t, w=None, **kw: torch.nn.functional.cross_entropy(x, t, w, **kw)))
