"""cross_entropy_index and its gradient in one op, for compiled training steps.

A compiled step computes the loss and, in its backward, the gradient of the same logits: both
start with softmax(x). The graph pass in graph/loss_fusion.py replaces the pair by this op,
which computes the shared softmax once (max, exp and sum over (N, C) are most of both ops' cost
at small C). Outputs: (loss, d loss/d x * g). Its backward combines the two ops' rules, so a
graph holding it stays differentiable.
"""
import numpy as np

from ..dispatch import dispatch
from ..registry import OpDef, register
from ..spec import Spec
from .cross_entropy_index import (_backward as _loss_backward, _check, _forward as _loss_forward, _grad_backward,
                                  _grad_forward, _grad_samples, _torch_ce, check_class_targets)


def _forward(xp, x, target, g, ignore_index, reduction):
    if xp is not np or not check_class_targets(target, x.shape[1], ignore_index, "cross_entropy"):
        return _loss_forward(xp, x, target, ignore_index, reduction), \
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


def _backward(ctx, g_loss, g_grad):
    x, target, g = ctx.inputs
    gx = gg = None
    if g_loss is not None:
        gx = _loss_backward(_Part(ctx, (x, target)), g_loss)[0]
    if g_grad is not None:
        part_x, _, gg = _grad_backward(_Part(ctx, (x, target, g)), g_grad)
        if part_x is not None:
            gx = part_x if gx is None else gx + part_x
    return gx, None, gg


def _infer(x, target, g, ignore_index, reduction):
    _check(x.shape, target.shape)
    return Spec((), x.dtype), Spec(x.shape, x.dtype)


def _torch_ref(torch, x, target, g, ignore_index, reduction):
    x = x if x.requires_grad else x.detach().requires_grad_(True)
    loss = _torch_ce(torch, x, target, ignore_index, reduction)
    return loss, torch.autograd.grad(loss, x, grad_outputs=g, create_graph=True)[0]


cross_entropy_index_with_grad_op = register(OpDef(
    name="cross_entropy_index_with_grad", forward=_forward, backward=_backward, n_outputs=2, diff_outputs=(0, 1),
    nondiff_inputs=(1,), infer=_infer, samples=_grad_samples, torch_ref=_torch_ref,
    doc="cross_entropy_index and cross_entropy_index_grad of the same logits, sharing one softmax."))


def cross_entropy_index_with_grad(x, target, g, ignore_index=-100, reduction="mean"):
    return dispatch(cross_entropy_index_with_grad_op, (x, target, g),
                    {"ignore_index": ignore_index, "reduction": reduction})


cross_entropy_index_with_grad_op.public = cross_entropy_index_with_grad
