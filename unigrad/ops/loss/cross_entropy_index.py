"""cross_entropy over class-index targets as one op, for the common (N, C) case.

The general cross_entropy is a composition (log_softmax, gather, masks, sums: ~15 ops forward
and backward). Training steps almost always call it with logits (N, C), integer targets (N,),
no class weights and no label smoothing; there it is this op, whose gradient is one op too:
(softmax(x) - onehot(target)) * valid * scale. Both are exact: ignore_index rows count as in
PyTorch (excluded from the mean), and a mean over no valid rows is nan, as in PyTorch.
"""
import numpy as np

from ...errors import OutOfBoundsError, ShapeError
from .. import api as F
from ..dispatch import dispatch
from ..registry import OpDef, Sample, register
from ..sampling import randn
from ..spec import Spec


def _valid_rows(xp, target, ignore_index):
    valid = target != ignore_index
    return valid, xp.where(valid, target, 0)


def check_class_targets(target, classes, ignore_index, name):
    """Class indices must lie in [0, classes) unless they are ignore_index (NumPy arrays only:
    on a GPU the check would wait for the device). Returns True when no entry is ignore_index
    (as far as it checked: False on a GPU)."""
    if not isinstance(target, np.ndarray) or not target.size:
        return isinstance(target, np.ndarray)
    low, high = target.min(), target.max()
    if low >= 0 and high < classes:  # the common case, in two reductions
        return not low <= ignore_index <= high or not (target == ignore_index).any()
    bad = (target != ignore_index) & ((target < 0) | (target >= classes))
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise OutOfBoundsError(f"{name}: target {int(target[where])} at position {where} is out of bounds for "
                               f"{classes} classes (use ignore_index={ignore_index} for entries to skip)")
    return False


def _forward(xp, x, target, ignore_index, reduction):
    all_valid = check_class_targets(target, x.shape[1], ignore_index, "cross_entropy")
    shifted = x - x.max(axis=1, keepdims=True)
    log_norm = xp.log(xp.exp(shifted).sum(axis=1))
    if all_valid:  # no ignored rows: no masks
        total = log_norm.sum(dtype=x.dtype) - shifted[xp.arange(len(target)), target].sum(dtype=x.dtype)
        return total if reduction == "sum" else (total / x.dtype.type(len(target))).astype(x.dtype)
    valid, safe = _valid_rows(xp, target, ignore_index)
    picked = xp.take_along_axis(shifted, safe[:, None], axis=1)[:, 0] - log_norm  # log p of the target
    total = -(picked * valid).sum(dtype=x.dtype)
    if reduction == "sum":
        return total
    with np.errstate(invalid="ignore", divide="ignore"):  # no valid rows: nan, as in PyTorch
        return (total / valid.sum(dtype=x.dtype)).astype(x.dtype)


def _grad_forward(xp, x, target, g, ignore_index, reduction):
    grad = xp.exp(x - x.max(axis=1, keepdims=True))
    grad /= grad.sum(axis=1, keepdims=True)                    # softmax, a fresh array
    if isinstance(target, np.ndarray) and target.size and not (target == ignore_index).any():
        grad[xp.arange(len(target)), target] -= 1              # minus the one-hot target
        grad *= g if reduction == "sum" else g / x.dtype.type(len(target))
        return grad
    valid, safe = _valid_rows(xp, target, ignore_index)
    grad[xp.arange(len(safe)), safe] -= 1                       # minus the one-hot target
    scale = g if reduction == "sum" else g / valid.sum(dtype=x.dtype)
    grad *= (valid * scale).astype(x.dtype)[:, None]
    return grad


def _backward(ctx, g):
    x, target = ctx.inputs
    return cross_entropy_index_grad(x, target, g, **ctx.attrs), None


def _row_weights(x, target, g, ignore_index, reduction):
    """w = valid * scale per row, (N, 1), built from ops so it carries g's gradient."""
    valid = F.to_dtype(F.ne(target, ignore_index), x.dtype)
    scale = g if reduction == "sum" else F.div(g, F.sum(valid))
    return F.unsqueeze(F.mul(valid, scale), 1)


def _grad_backward(ctx, gg):
    """Second order of out = (softmax(x) - onehot) * w, with w independent of x."""
    x, target, g = ctx.inputs
    gx = gg_g = None
    if ctx.needs_input_grad(0):
        s = F.softmax(x, 1)
        u = F.mul(gg, _row_weights(x, target, g, **ctx.attrs))
        gx = F.mul(s, F.sub(u, F.sum(F.mul(s, u), dim=1, keepdim=True)))  # softmax's vector-Jacobian product
    if ctx.needs_input_grad(2):  # out is linear in g: d out / d g = out at g = 1
        gg_g = F.sum(F.mul(gg, cross_entropy_index_grad(x, target, F.ones_like(g), **ctx.attrs)))
    return gx, None, gg_g


def _infer(x, target, ignore_index, reduction):
    _check(x.shape, target.shape)
    return Spec((), x.dtype)


def _check(x_shape, target_shape):
    if len(x_shape) != 2 or tuple(target_shape) != (x_shape[0],):
        raise ShapeError(f"cross_entropy_index: needs logits (N, C) and targets (N,), got {tuple(x_shape)} "
                         f"and {tuple(target_shape)}")


def _samples():
    targets = np.array([1, 0, 4, 2])
    with_ignored = np.array([1, -100, 4, 2])
    return [Sample((randn(4, 5), targets), {"ignore_index": -100, "reduction": "mean"}),
            Sample((randn(4, 5, seed=1), with_ignored), {"ignore_index": -100, "reduction": "mean"}),
            Sample((randn(4, 5, seed=2), np.array([3, 3, 0, 1])), {"ignore_index": 3, "reduction": "sum"})]


def _torch_ce(torch, x, target, ignore_index, reduction):
    return torch.nn.functional.cross_entropy(x, target, ignore_index=ignore_index, reduction=reduction)


def _reference(np_, x, target, ignore_index, reduction):
    logp = x - x.max(1, keepdims=True)
    logp = logp - np_.log(np_.exp(logp).sum(1, keepdims=True))
    valid = target != ignore_index
    picked = logp[np_.arange(len(target)), np_.where(valid, target, 0)] * valid
    return -picked.sum() / (valid.sum() if reduction == "mean" else 1)


cross_entropy_index_op = register(OpDef(
    name="cross_entropy_index", forward=_forward, backward=_backward, nondiff_inputs=(1,), infer=_infer,
    samples=_samples, torch_ref=_torch_ce, reference=_reference,
    doc="Mean or summed cross-entropy of logits (N, C) against class indices (N,), as one op."))


def _grad_samples():
    return [Sample((s.inputs[0], s.inputs[1], randn(seed=5 + i)), s.attrs) for i, s in enumerate(_samples())]


def _torch_grad(torch, x, target, g, ignore_index, reduction):
    x = x if x.requires_grad else x.detach().requires_grad_(True)
    loss = _torch_ce(torch, x, target, ignore_index, reduction)
    return torch.autograd.grad(loss, x, grad_outputs=g, create_graph=True)[0]


cross_entropy_index_grad_op = register(OpDef(
    name="cross_entropy_index_grad", forward=_grad_forward, backward=_grad_backward, nondiff_inputs=(1,),
    infer=lambda x, target, g, **attrs: Spec(x.shape, x.dtype), samples=_grad_samples, torch_ref=_torch_grad,
    doc="Gradient of cross_entropy_index: (softmax(x) - onehot(target)) * valid * scale."))


def cross_entropy_index(x, target, ignore_index=-100, reduction="mean"):
    _check(tuple(x.shape), tuple(target.shape))
    return dispatch(cross_entropy_index_op, (x, target), {"ignore_index": ignore_index, "reduction": reduction})


def cross_entropy_index_grad(x, target, g, ignore_index, reduction):
    return dispatch(cross_entropy_index_grad_op, (x, target, g), {"ignore_index": ignore_index,
                                                                  "reduction": reduction})


cross_entropy_index_op.public = cross_entropy_index
cross_entropy_index_grad_op.public = cross_entropy_index_grad
