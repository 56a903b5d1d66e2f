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
from .softmax_rows import log_sum_exp_rows, softmax_from_lse


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

def _loss_total(xp, x, target, lse, valid=None):
    """The summed -log p of the targets (of the valid rows), from the rows' log-sum-exp."""
    nll = lse - x[xp.arange(len(target)), target]  # per row first: two large sums would cancel
    return (nll if valid is None else nll * valid).sum(dtype=x.dtype)


def _mean_or_sum(total, count, reduction, dtype):
    if reduction == "sum":
        return total
    with np.errstate(invalid="ignore", divide="ignore"):  # no valid rows: nan, as in PyTorch
        return (total / count).astype(dtype)


def _forward(xp, x, target, ignore_index, reduction):
    all_valid = check_class_targets(target, x.shape[1], ignore_index, "cross_entropy")
    lse, _ = log_sum_exp_rows(xp, x)
    if all_valid:  # no ignored rows: no masks
        return _mean_or_sum(_loss_total(xp, x, target, lse), x.dtype.type(len(target)), reduction, x.dtype), lse
    valid, safe = _valid_rows(xp, target, ignore_index)
    return _mean_or_sum(_loss_total(xp, x, safe, lse, valid), valid.sum(dtype=x.dtype), reduction, x.dtype), lse


def _backward(ctx, g, _lse_grad=None):
    x, target = ctx.inputs
    return cross_entropy_index_grad(x, target, g, lse=ctx.output(1), **ctx.attrs), None


def _infer(x, target, ignore_index, reduction):
    _check(x.shape, target.shape)
    return Spec((), x.dtype), Spec(x.shape[:1], x.dtype)


def _samples():
    targets = np.array([1, 0, 4, 2])
    with_ignored = np.array([1, -100, 4, 2])
    return [Sample((randn(4, 5), targets), {"ignore_index": -100, "reduction": "mean"}),
            Sample((randn(4, 5, seed=1), with_ignored), {"ignore_index": -100, "reduction": "mean"}),
            Sample((randn(4, 5, seed=2), np.array([3, 3, 0, 1])), {"ignore_index": 3, "reduction": "sum"})]


def _reference(np_, x, target, ignore_index, reduction):
    peak = x.max(1, keepdims=True)
    lse = np_.log(np_.exp(x - peak).sum(1, keepdims=True)) + peak
    valid = target != ignore_index
    picked = (x - lse)[np_.arange(len(target)), np_.where(valid, target, 0)] * valid
    return -picked.sum() / (valid.sum() if reduction == "mean" else 1), lse[:, 0]


def _torch_loss_and_lse(torch, x, target, ignore_index, reduction):
    return _torch_ce(torch, x, target, ignore_index, reduction), torch.logsumexp(x, 1)


cross_entropy_index_op = OpDef(
    name="cross_entropy_index", forward=_forward, backward=_backward, infer=_infer, nondiff_inputs=(1,),
    n_outputs=2, diff_outputs=(0,), saves_outputs=True,  # output 1: each row's log-sum-exp, for the backward
    variants=Variants(),
    samples=_samples, torch_ref=_torch_loss_and_lse, reference=_reference)


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
    return dispatch(cross_entropy_index_op, (x, target), {"ignore_index": ignore_index, "reduction": reduction})[0]


register(cross_entropy_index_op, public=cross_entropy_index)


# ---- cross_entropy_index_grad: its gradient, an op of its own ------------------------------------------

def _grad_forward(xp, x, target, g, lse=None, *, ignore_index, reduction):
    if isinstance(target, np.ndarray) and target.size and not (target == ignore_index).any():
        scale = (g if reduction == "sum" else g / x.dtype.type(len(target))).astype(x.dtype)
        grad = _softmax_scaled(xp, x, lse, scale)
        grad[xp.arange(len(target)), target] -= scale               # minus the one-hot target
        return grad
    valid, safe = _valid_rows(xp, target, ignore_index)
    scale = g if reduction == "sum" else g / valid.sum(dtype=x.dtype)
    row_scale = (valid * scale).astype(x.dtype)
    grad = _softmax_scaled(xp, x, lse, row_scale[:, None])
    grad[xp.arange(len(safe)), safe] -= row_scale                   # minus the one-hot target
    return grad


def _softmax_scaled(xp, x, lse, row_scale):
    """softmax(x) * row_scale; from the rows' log-sum-exp of the loss's forward when given."""
    if lse is None:
        return log_sum_exp_rows(xp, x, row_scale)[1]
    return softmax_from_lse(xp, x, lse, row_scale)


def _row_weights(x, target, g, ignore_index, reduction):
    """w = valid * scale per row, (N, 1), built from ops so it carries g's gradient."""
    valid = F.to_dtype(F.ne(target, ignore_index), x.dtype)
    scale = g if reduction == "sum" else F.div(g, F.sum(valid))
    return F.unsqueeze(F.mul(valid, scale), 1)


def _grad_backward(ctx, gg):
    """Second order of out = (softmax(x) - onehot) * w, with w independent of x. An lse input is
    the loss's cached function of x: gx below is the whole derivative, lse gets none."""
    x, target, g = ctx.inputs[:3]
    gx = gg_g = None
    if ctx.needs_input_grad(0):
        s = F.softmax(x, 1)
        u = F.mul(gg, _row_weights(x, target, g, **ctx.attrs))
        gx = F.mul(s, F.sub(u, F.sum(F.mul(s, u), dim=1, keepdim=True)))  # softmax's vector-Jacobian product
    if ctx.needs_input_grad(2):  # out is linear in g: d out / d g = out at g = 1
        gg_g = F.sum(F.mul(gg, cross_entropy_index_grad(x, target, F.ones_like(g), **ctx.attrs)))
    return (gx, None, gg_g) + (None,) * (len(ctx.inputs) - 3)


def _grad_samples():
    """The loss's samples with a loss gradient g; each also with the rows' log-sum-exp (what the
    loss's backward passes), and the first with a negative g (the multiply path). With lse the
    op's value holds lse fixed while its gradient treats it as the function of x it is, so those
    samples check values only (finite differences would move x alone)."""
    out = []
    for i, s in enumerate(_samples()):
        x, target = s.inputs
        g = randn(seed=5 + i)
        lse = _reference(np, x, target, **s.attrs)[1]
        out += [Sample((x, target, g), s.attrs), Sample((x, target, g, lse), s.attrs, name=f"lse{i}", grad=False)]
    x, target = _samples()[0].inputs
    negative = np.asarray(-np.abs(randn(seed=5)))
    out.append(Sample((x, target, negative, _reference(np, x, target, -100, "mean")[1]), _samples()[0].attrs,
                      name="lse_negative_g", grad=False))
    return out


def _fused_samples():
    return [s for s in _grad_samples() if len(s.inputs) == 3]


def _torch_grad(torch, x, target, g, lse=None, *, ignore_index, reduction):
    x = x if x.requires_grad else x.detach().requires_grad_(True)
    loss = _torch_ce(torch, x, target, ignore_index, reduction)
    return torch.autograd.grad(loss, x, grad_outputs=g, create_graph=True)[0]


cross_entropy_index_grad_op = OpDef(
    name="cross_entropy_index_grad", forward=_grad_forward, backward=_grad_backward,
    infer=lambda x, target, g, lse=None, **attrs: Spec(x.shape, x.dtype), nondiff_inputs=(1, 3),
    variants=Variants(),
    samples=_grad_samples, torch_ref=_torch_grad)


def cross_entropy_index_grad(x, target, g, ignore_index, reduction, lse=None):
    """The gradient of ``cross_entropy_index(x, target, ignore_index, reduction)`` with respect to x,
    times the loss's gradient g (0-d): ``(softmax(x) - onehot(target)) * valid * scale``, with
    valid 0 on the rows whose target is ignore_index and scale g (sum) or g / the valid rows (mean).
    lse, when given, is each row's log-sum-exp of x as the loss computed it (its forward's
    second output, which its backward passes): the softmax then costs two passes instead of five.

    Example::

        >>> x = ug.tensor([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
        >>> ug.cross_entropy_index_grad(x, ug.tensor([0, 2]), ug.tensor(1.0), -100, "mean")
        tensor([[-0.1065,  0.0533,  0.0533],
                [ 0.106 ,  0.2881, -0.394 ]])
    """
    inputs = (x, target, g) if lse is None else (x, target, g, lse)
    return dispatch(cross_entropy_index_grad_op, inputs, {"ignore_index": ignore_index, "reduction": reduction})


register(cross_entropy_index_grad_op, public=cross_entropy_index_grad)


# ---- cross_entropy_index_with_grad: the loss and its gradient fused, sharing one softmax ---------------

def _fused_forward(xp, x, target, g, ignore_index, reduction):
    if xp is not np or not check_class_targets(target, x.shape[1], ignore_index, "cross_entropy"):
        return _forward(xp, x, target, ignore_index, reduction)[0], \
            _grad_forward(xp, x, target, g, ignore_index=ignore_index, reduction=reduction)
    n = len(target)
    scale = (g if reduction == "sum" else g / x.dtype.type(n)).astype(x.dtype)
    lse, grad = log_sum_exp_rows(np, x, scale)
    grad[np.arange(n), target] -= scale                            # minus the one-hot target
    return _mean_or_sum(_loss_total(np, x, target, lse), x.dtype.type(n), reduction, x.dtype), grad


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
        gx = cross_entropy_index_grad(x, target, g_loss, **ctx.attrs)
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
    samples=_fused_samples, torch_ref=_fused_torch_ref)


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
