"""Loss functions as compositions of ops, with PyTorch's reductions and options."""
from ...errors import InvalidArgumentError, ShapeError
from .. import api as F
from ..registry import OpDef, Sample, register
from .cross_entropy_index import check_class_targets
from ..sampling import positive, randn, rng


def _reduce(loss, reduction, name):
    if reduction == "mean":
        return F.mean(loss)
    if reduction == "sum":
        return F.sum(loss)
    if reduction == "none":
        return loss
    raise InvalidArgumentError(f"{name}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _class_dim_last(x):
    """(N, C, d1, ...) -> (N*d1*..., C) so the class dim is last."""
    if x.ndim <= 2:
        return x
    return F.reshape(F.movedim(x, 1, -1), (-1, x.shape[1]))


def _check_targets(input, target, name):
    expected = (input.shape[0],) + tuple(input.shape[2:]) if input.ndim >= 2 else ()
    if tuple(target.shape) != expected:
        raise ShapeError(f"{name}: input of shape {tuple(input.shape)} needs class-index targets of shape "
                         f"{expected}, got {tuple(target.shape)}")


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    _check_targets(input, target, "nll_loss")
    check_class_targets(target._data, input.shape[1] if input.ndim >= 2 else input.shape[0], ignore_index, "nll_loss")
    logp = _class_dim_last(input) if input.ndim >= 2 else F.unsqueeze(input, 0)
    tgt = F.reshape(target, (-1,))
    valid = F.ne(tgt, ignore_index)
    safe = F.where(valid, tgt, F.zeros_like(tgt))
    picked = F.squeeze(F.gather(logp, 1, F.unsqueeze(safe, 1)), 1)
    w = F.to_dtype(valid, logp.dtype)
    if weight is not None:
        w = F.mul(w, F.getitem(weight, (safe,)))
    loss = F.neg(F.mul(picked, w))
    if reduction == "mean":
        return F.div(F.sum(loss), F.sum(w))
    if reduction == "none":
        return F.reshape(loss, tuple(target.shape))
    return _reduce(loss, reduction, "nll_loss")


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
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
        return _reduce(F.neg(F.sum(prod, dim=1 if input.ndim >= 2 else 0)), reduction, "cross_entropy")
    nll = nll_loss(logp, target, weight, ignore_index, "none" if label_smoothing else reduction)
    if not label_smoothing:
        return nll
    c = input.shape[1] if input.ndim >= 2 else input.shape[0]
    flat = _class_dim_last(logp) if logp.ndim >= 2 else F.unsqueeze(logp, 0)
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
    return _reduce(loss, reduction, "cross_entropy")


def _check_same(input, target, name):
    if tuple(input.shape) != tuple(target.shape):
        raise ShapeError(f"{name}: input shape {tuple(input.shape)} and target shape {tuple(target.shape)} differ")


def mse_loss(input, target, reduction="mean"):
    _check_same(input, target, "mse_loss")
    diff = F.sub(input, target)
    return _reduce(F.mul(diff, diff), reduction, "mse_loss")


def l1_loss(input, target, reduction="mean"):
    _check_same(input, target, "l1_loss")
    return _reduce(F.abs(F.sub(input, target)), reduction, "l1_loss")


def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    _check_same(input, target, "smooth_l1_loss")
    diff = F.abs(F.sub(input, target))
    if beta == 0:
        return _reduce(diff, reduction, "smooth_l1_loss")
    loss = F.where(F.lt(diff, beta), F.div(F.mul(F.mul(diff, diff), 0.5), beta), F.sub(diff, 0.5 * beta))
    return _reduce(loss, reduction, "smooth_l1_loss")


def huber_loss(input, target, reduction="mean", delta=1.0):
    return F.mul(smooth_l1_loss(input, target, reduction, beta=delta), delta)


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    _check_same(input, target, "binary_cross_entropy")
    # PyTorch clamps the log terms at -100 so that p = 0 or 1 gives a finite loss
    log_p = F.clamp(F.log(input), min=-100.0)
    log_1mp = F.clamp(F.log(F.rsub(input, 1.0)), min=-100.0)
    loss = F.neg(F.add(F.mul(target, log_p), F.mul(F.rsub(target, 1.0), log_1mp)))
    if weight is not None:
        loss = F.mul(loss, weight)
    return _reduce(loss, reduction, "binary_cross_entropy")


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    _check_same(input, target, "binary_cross_entropy_with_logits")
    # log(sigmoid(x)) = -softplus(-x), log(1 - sigmoid(x)) = -softplus(x): stable for large |x|
    log_sig = F.neg(F.softplus(F.neg(input)))
    log_one_minus = F.neg(F.softplus(input))
    pos = F.mul(target, log_sig)
    if pos_weight is not None:
        pos = F.mul(pos, pos_weight)
    loss = F.neg(F.add(pos, F.mul(F.rsub(target, 1.0), log_one_minus)))
    if weight is not None:
        loss = F.mul(loss, weight)
    return _reduce(loss, reduction, "binary_cross_entropy_with_logits")


def _targets(n, c, seed=0, ignore=None):
    t = rng(seed).integers(0, c, size=n)
    if ignore is not None:
        t[0] = ignore
    return t


def _probs(*shape, seed=0):
    return rng(seed).uniform(0.05, 0.95, size=shape)


register(OpDef(name="nll_loss", impl=nll_loss,
               samples=lambda: [Sample((randn(5, 4), _targets(5, 4))),
                                Sample((randn(5, 4), _targets(5, 4, 1, ignore=-100), positive(4, seed=2)),
                                       {"reduction": "mean"}, diff=(0,)),
                                Sample((randn(2, 3, 2, 2), _targets((2, 2, 2), 3)), {"reduction": "none"})],
               torch_ref=lambda torch, x, t, w=None, **kw: torch.nn.functional.nll_loss(x, t, w, **kw)))
register(OpDef(name="cross_entropy", impl=cross_entropy,
               samples=lambda: [Sample((randn(5, 4), _targets(5, 4))),
                                Sample((randn(5, 4), _targets(5, 4, 1, ignore=2)), {"ignore_index": 2,
                                                                                     "label_smoothing": 0.1}),
                                Sample((randn(5, 4), _targets(5, 4, 2), positive(4, seed=3)), {"label_smoothing": 0.2}, diff=(0,)),
                                Sample((randn(2, 3, 2, 2), _targets((2, 2, 2), 3)), {"reduction": "sum"}),
                                Sample((randn(4, 3), _probs(4, 3, seed=5)), {})],
               torch_ref=lambda torch, x, t, w=None, **kw: torch.nn.functional.cross_entropy(x, t, w, **kw)))
register(OpDef(name="mse_loss", impl=mse_loss,
               samples=lambda: [Sample((randn(3, 4), randn(3, 4, seed=1))),
                                Sample((randn(3, 4), randn(3, 4, seed=1)), {"reduction": "sum"})],
               torch_ref=lambda torch, x, t, **kw: torch.nn.functional.mse_loss(x, t, **kw)))
register(OpDef(name="l1_loss", impl=l1_loss,
               samples=lambda: [Sample((randn(3, 4), randn(3, 4, seed=1)))],
               torch_ref=lambda torch, x, t, **kw: torch.nn.functional.l1_loss(x, t, **kw)))
register(OpDef(name="smooth_l1_loss", impl=smooth_l1_loss,
               samples=lambda: [Sample((randn(3, 4) * 2, randn(3, 4, seed=1) * 2)),
                                Sample((randn(3, 4), randn(3, 4, seed=1)), {"beta": 0.5, "reduction": "none"})],
               torch_ref=lambda torch, x, t, **kw: torch.nn.functional.smooth_l1_loss(x, t, **kw)))
register(OpDef(name="binary_cross_entropy", impl=binary_cross_entropy,
               samples=lambda: [Sample((_probs(3, 4), _probs(3, 4, seed=1))),
                                Sample((_probs(5), _probs(5, seed=1), positive(5, seed=2)), {"reduction": "sum"}, diff=(0, 1))],
               torch_ref=lambda torch, x, t, w=None, **kw: torch.nn.functional.binary_cross_entropy(x, t, w, **kw)))
register(OpDef(name="binary_cross_entropy_with_logits", impl=binary_cross_entropy_with_logits,
               samples=lambda: [Sample((randn(3, 4) * 3, _probs(3, 4, seed=1))),
                                Sample((randn(5), _probs(5, seed=1), positive(5, seed=2)),
                                       {"reduction": "sum"}, diff=(0, 1))],
               torch_ref=lambda torch, x, t, w=None, **kw: torch.nn.functional.binary_cross_entropy_with_logits(
                   x, t, w, **kw)))
