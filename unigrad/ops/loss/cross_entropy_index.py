"""cross_entropy over class-index targets as one op, for the common (N, C) case; its gradient
op; and the two fused into one op for compiled training steps.

The general cross_entropy is a composition (log_softmax, gather, masks, sums: ~15 ops forward
and backward). Training steps almost always call it with logits (N, C), integer targets (N,),
no class weights and no label smoothing; there it is cross_entropy_index, whose gradient is one
op too, cross_entropy_index_grad: (softmax(x) - onehot(target)) * valid * scale. Both are exact:
ignore_index rows count as in PyTorch (excluded from the mean), and a mean over no valid rows is
nan, as in PyTorch.

A compiled step computes the loss and, in its backward, the gradient of the same logits: both
start with softmax(x). The graph pass in graph/loss_fusion.py replaces the pair by
cross_entropy_index_with_grad, which computes the shared softmax once (max, exp and sum over
(N, C) are most of both ops' cost at small C). Outputs: (loss, d loss/d x * g). Its backward
combines the two ops' rules, so a graph holding it stays differentiable.
"""
import numpy as np

from ...errors import ShapeError
from .. import api as F
from ..dispatch import dispatch
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from .common import check_class_targets


def _valid_rows(xp, target, ignore_index):
    valid = target != ignore_index
    return valid, xp.where(valid, target, 0)


def _check(x_shape, target_shape):
    if len(x_shape) != 2 or tuple(target_shape) != (x_shape[0],):
        raise ShapeError(f"cross_entropy_index: needs logits (N, C) and targets (N,), got {tuple(x_shape)} "
                         f"and {tuple(target_shape)}")


def _torch_ce(torch, x, target, ignore_index, reduction):
    return torch.nn.functional.cross_entropy(x, target, ignore_index=ignore_index, reduction=reduction)


# ---- cross_entropy_index: the loss ----------------------------------------------------------------------

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


def _backward(ctx, g):
    x, target = ctx.inputs
    return cross_entropy_index_grad(x, target, g, **ctx.attrs), None


def _infer(x, target, ignore_index, reduction):
    _check(x.shape, target.shape)
    return Spec((), x.dtype)


def _samples():
    targets = np.array([1, 0, 4, 2])
    with_ignored = np.array([1, -100, 4, 2])
    return [Sample((randn(4, 5), targets), {"ignore_index": -100, "reduction": "mean"}),
            Sample((randn(4, 5, seed=1), with_ignored), {"ignore_index": -100, "reduction": "mean"}),
            Sample((randn(4, 5, seed=2), np.array([3, 3, 0, 1])), {"ignore_index": 3, "reduction": "sum"})]


def _reference(np_, x, target, ignore_index, reduction):
    logp = x - x.max(1, keepdims=True)
    logp = logp - np_.log(np_.exp(logp).sum(1, keepdims=True))
    valid = target != ignore_index
    picked = logp[np_.arange(len(target)), np_.where(valid, target, 0)] * valid
    return -picked.sum() / (valid.sum() if reduction == "mean" else 1)


cross_entropy_index_op = OpDef(
    name="cross_entropy_index", forward=_forward, backward=_backward, infer=_infer, nondiff_inputs=(1,),
    variants=Variants(),
    samples=_samples, torch_ref=_torch_ce, reference=_reference)


def cross_entropy_index(x, target, ignore_index=-100, reduction="mean"):
    """The cross-entropy of logits x (N, C) against class indices target (N,), as one op: what
    ``cross_entropy`` runs for this case (no weight, no label smoothing), with the same result.

    Targets equal to ignore_index count for nothing and are left out of the mean (a mean over
    no valid rows is nan); any other target must lie in [0, C) (checked on the CPU: an
    OutOfBoundsError). reduction is "mean" or "sum".

    Example::

        >>> x = ug.tensor([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
        >>> ug.cross_entropy_index(x, ug.tensor([0, 2]))
        tensor(0.8955)
        >>> ug.cross_entropy_index(x, ug.tensor([0, -100]), reduction="sum")
        tensor(0.2395)
    """
    _check(tuple(x.shape), tuple(target.shape))
    return dispatch(cross_entropy_index_op, (x, target), {"ignore_index": ignore_index, "reduction": reduction})


register(cross_entropy_index_op, public=cross_entropy_index)


# ---- cross_entropy_index_grad: its gradient, an op of its own ------------------------------------------

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


def _grad_samples():
    return [Sample((s.inputs[0], s.inputs[1], randn(seed=5 + i)), s.attrs) for i, s in enumerate(_samples())]


def _torch_grad(torch, x, target, g, ignore_index, reduction):
    x = x if x.requires_grad else x.detach().requires_grad_(True)
    loss = _torch_ce(torch, x, target, ignore_index, reduction)
    return torch.autograd.grad(loss, x, grad_outputs=g, create_graph=True)[0]


cross_entropy_index_grad_op = OpDef(
    name="cross_entropy_index_grad", forward=_grad_forward, backward=_grad_backward,
    infer=lambda x, target, g, **attrs: Spec(x.shape, x.dtype), nondiff_inputs=(1,),
    variants=Variants(),
    samples=_grad_samples, torch_ref=_torch_grad)


def cross_entropy_index_grad(x, target, g, ignore_index, reduction):
    """The gradient of ``cross_entropy_index(x, target, ignore_index, reduction)`` with respect to x,
    times the loss's gradient g (0-d): ``(softmax(x) - onehot(target)) * valid * scale``, with
    valid 0 on the rows whose target is ignore_index and scale g (sum) or g / the valid rows (mean).

    Example::

        >>> x = ug.tensor([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
        >>> ug.cross_entropy_index_grad(x, ug.tensor([0, 2]), ug.tensor(1.0), -100, "mean")
        tensor([[-0.1065,  0.0533,  0.0533],
                [ 0.106 ,  0.2881, -0.394 ]])
    """
    return dispatch(cross_entropy_index_grad_op, (x, target, g), {"ignore_index": ignore_index,
                                                                  "reduction": reduction})


register(cross_entropy_index_grad_op, public=cross_entropy_index_grad)


# ---- cross_entropy_index_with_grad: the loss and its gradient fused, sharing one softmax ---------------

def _fused_forward(xp, x, target, g, ignore_index, reduction):
    if xp is not np or not check_class_targets(target, x.shape[1], ignore_index, "cross_entropy"):
        return _forward(xp, x, target, ignore_index, reduction), \
            _grad_forward(xp, x, target, g, ignore_index, reduction)
    n = len(target)
    rows = np.arange(n)
    shifted = x - x.max(axis=1, keepdims=True)
    grad = np.exp(shifted)
    norm = grad.sum(axis=1, keepdims=True)
    total = np.log(norm).sum(dtype=x.dtype) - shifted[rows, target].sum(dtype=x.dtype)
    grad /= norm                                                   # softmax
    grad[rows, target] -= 1                                        # minus the one-hot target
    if reduction == "sum":
        grad *= g
        return total, grad
    grad *= g / x.dtype.type(n)
    return (total / x.dtype.type(n)).astype(x.dtype), grad


class _Part:
    """The context of one of the two fused ops, for reusing its backward rule."""

    def __init__(self, ctx, inputs):
        self.inputs, self.attrs, self._ctx = inputs, ctx.attrs, ctx

    def needs_input_grad(self, i):
        return self._ctx.needs_input_grad(i)


def _fused_backward(ctx, g_loss, g_grad):
    x, target, g = ctx.inputs
    gx = gg = None
    if g_loss is not None:
        gx = _backward(_Part(ctx, (x, target)), g_loss)[0]
    if g_grad is not None:
        part_x, _, gg = _grad_backward(_Part(ctx, (x, target, g)), g_grad)
        if part_x is not None:
            gx = part_x if gx is None else gx + part_x
    return gx, None, gg


def _fused_infer(x, target, g, ignore_index, reduction):
    _check(x.shape, target.shape)
    return Spec((), x.dtype), Spec(x.shape, x.dtype)


def _fused_torch_ref(torch, x, target, g, ignore_index, reduction):
    x = x if x.requires_grad else x.detach().requires_grad_(True)
    loss = _torch_ce(torch, x, target, ignore_index, reduction)
    return loss, torch.autograd.grad(loss, x, grad_outputs=g, create_graph=True)[0]


cross_entropy_index_with_grad_op = OpDef(
    name="cross_entropy_index_with_grad", forward=_fused_forward, backward=_fused_backward, infer=_fused_infer,
    n_outputs=2, diff_outputs=(0, 1), nondiff_inputs=(1,),
    variants=Variants(),
    samples=_grad_samples, torch_ref=_fused_torch_ref)


def cross_entropy_index_with_grad(x, target, g, ignore_index=-100, reduction="mean"):
    """``(cross_entropy_index(x, target, ...), cross_entropy_index_grad(x, target, g, ...))`` as one
    op that computes their shared softmax once; graph/loss_fusion.py puts it in compiled training
    steps in place of the pair.

    Example::

        >>> x = ug.tensor([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
        >>> loss, grad = ug.cross_entropy_index_with_grad(x, ug.tensor([0, 2]), ug.tensor(1.0))
        >>> loss
        tensor(0.8955)
        >>> grad
        tensor([[-0.1065,  0.0533,  0.0533],
                [ 0.106 ,  0.2881, -0.394 ]])
    """
    return dispatch(cross_entropy_index_with_grad_op, (x, target, g),
                    {"ignore_index": ignore_index, "reduction": reduction})


register(cross_entropy_index_with_grad_op, public=cross_entropy_index_with_grad)
