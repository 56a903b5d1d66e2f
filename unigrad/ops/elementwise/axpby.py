"""axpby(y, x, alpha, beta) = alpha*x + beta*y over same-shaped tensors (BLAS's axpby).

alpha and beta are 0-d tensors (a learning rate read live from the optimizer, or constants).
The graph compiler rewrites `beta*y + x`, `y - alpha*x` and the like into this op (optimizer
updates are made of them), and the memory plan runs it in place over a dead operand: one pass
over memory through BLAS instead of three NumPy passes and a temporary.
"""
import numpy as np

from ...backend.cblas import scaled_add_
from ...errors import DtypeError, ShapeError
from .. import api as F
from ..operands import const
from ..dispatch import dispatch
from ..registry import Compiled, InPlace, Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, numel


def _forward(xp, y, x, alpha, beta):
    if xp is np:
        return scaled_add_(y.copy(), x, float(alpha), float(beta))
    return y * beta + x * alpha  # on a GPU, float() of a device scalar would wait for the device


def axpby_into(y, x, alpha, beta, out):
    """The op writing into `out` (y itself, or a buffer), NumPy."""
    if out is not y:
        out[...] = y
    return scaled_add_(out, x, float(alpha), float(beta))


def axpby_over_x(y, x, alpha, beta, out):
    """The op writing into `out`, which is x itself (its operand dies here), NumPy."""
    return scaled_add_(out, y, float(beta), float(alpha))


def _backward(ctx, g):
    y, x, alpha, beta = ctx.inputs
    return (F.mul(g, beta) if ctx.needs_input_grad(0) else None,
            F.mul(g, alpha) if ctx.needs_input_grad(1) else None,
            F.sum(F.mul(g, x)) if ctx.needs_input_grad(2) else None,
            F.sum(F.mul(g, y)) if ctx.needs_input_grad(3) else None)


def _infer(y, x, alpha, beta):
    if tuple(y.shape) != tuple(x.shape):
        raise ShapeError(f"op 'axpby': operands must have one shape, got {tuple(y.shape)} and {tuple(x.shape)}")
    if tuple(alpha.shape) != () or tuple(beta.shape) != ():
        raise ShapeError(f"op 'axpby': alpha and beta must be scalars, got shapes {tuple(alpha.shape)} and "
                         f"{tuple(beta.shape)}")
    if any(t.dtype is not y.dtype for t in (x, alpha, beta)) or not y.dtype.is_floating_point:
        raise DtypeError(f"op 'axpby': needs floating operands of one dtype, got {y.dtype}, {x.dtype}, "
                         f"{alpha.dtype} and {beta.dtype}")
    return Spec(y.shape, y.dtype)


def _scalar(value):
    return np.asarray(value, dtype=np.float64)


def _samples():
    return [Sample((randn(3, 4), randn(3, 4, seed=1), _scalar(0.5), _scalar(-2.0))),
            Sample((randn(64, 80, seed=2), randn(64, 80, seed=3), _scalar(-0.01), _scalar(1.0)), name="blas"),
            Sample((randn(5, seed=4), randn(5, seed=5), _scalar(1.0), _scalar(0.9)))]


axpby_op = OpDef(
    name="axpby", forward=_forward, backward=_backward, infer=_infer, samples=_samples, variants=Variants(),
    onnx=Onnx(emit=lambda e, y, x, alpha, beta: e.node(
        "Add", [e.node("Mul", [y, beta]), e.node("Mul", [x, alpha])])),
    compiled=Compiled(in_place=InPlace(over_first=axpby_into, over_second=axpby_over_x), out=axpby_into, fresh=True,
                      flops=lambda inputs, outputs, attrs: 3 * numel(outputs[0].shape)),
    torch_ref=lambda torch, y, x, alpha, beta: y * beta + x * alpha,
    reference=lambda np_, y, x, alpha, beta: alpha * x + beta * y,
)


def axpby(y, x, alpha=1.0, beta=1.0):
    """``alpha * x + beta * y`` for tensors of one shape and scalar alpha, beta: BLAS's axpby,
    what optimizer updates compile to (alpha and beta are numbers or 0-d tensors).

    Example::

        >>> ug.axpby(ug.ones(3), ug.tensor([1.0, 2.0, 3.0]), alpha=2.0, beta=0.5)
        tensor([2.5, 4.5, 6.5])
    """
    if not hasattr(alpha, "_data"):
        alpha = const(float(alpha), y._dtype, y._device)
    if not hasattr(beta, "_data"):
        beta = const(float(beta), y._dtype, y._device)
    return dispatch(axpby_op, (y, x, alpha, beta), {})


register(axpby_op, public=axpby)
