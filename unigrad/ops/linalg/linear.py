"""linear: input @ weight.T + bias, as one op (one GEMM onto the bias where cblas takes it)."""
import math

import numpy as np

from ...backend import cblas
from ...errors import ShapeError
from .. import api as F
from ..dispatch import dispatch
from ..operands import tensor_operands
from ..registry import Compiled, Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from .matmul import gemm_flops


def linear_into(x, w, b=None, out=None):
    """linear written into `out` (a compiled plan's buffer, or a new array), NumPy."""
    if x.ndim > 2 and out.flags.c_contiguous:
        # (*, in) as one (N, in) GEMM: NumPy's matmul would loop one small GEMM per leading index
        rows = math.prod(x.shape[:-1])
        linear_into(x.reshape(rows, x.shape[-1]), w, b, out.reshape(rows, out.shape[-1]))
        return out
    if b is not None and cblas.linear_into(x, w, b, out):  # one GEMM accumulating onto the bias
        return out
    np.matmul(x, w.T, out=out)
    if b is not None:
        out += b
    return out


def _forward(xp, x, w, b=None):
    if xp is np and x.ndim >= 2:
        return linear_into(x, w, b, np.empty(x.shape[:-1] + (w.shape[0],), dtype=x.dtype))
    if x.ndim > 2:
        rows = math.prod(x.shape[:-1])
        return _forward(xp, x.reshape(rows, x.shape[-1]), w, b).reshape(x.shape[:-1] + (w.shape[0],))
    out = xp.matmul(x, w.T)  # BLAS reads the transposed weight in place
    if b is not None:
        out += b  # into the fresh product: no second array
    return out


def _backward(ctx, g):
    x, w = ctx.inputs[0], ctx.inputs[1]
    gx = gw = gb = None
    if ctx.needs_input_grad(0):
        if g.ndim > 2:  # one (N, out) x (out, in) GEMM, not one per leading index
            rows = math.prod(tuple(g.shape)[:-1])
            gx = F.reshape(F.matmul(F.reshape(g, (rows, w.shape[0])), w), tuple(x.shape))
        else:
            gx = F.matmul(g, w)
    if ctx.needs_input_grad(1):
        # g.T @ x: the weight's gradient comes out (out, in) and contiguous, owned by nobody else,
        # so it becomes .grad without a copy (a transposed product would need one)
        rows = math.prod(tuple(g.shape)[:-1])  # (not -1: a size-0 dim leaves it undetermined)
        g2 = F.reshape(g, (rows, w.shape[0]))
        gw = F.matmul(F.transpose(g2, -1, -2), F.reshape(x, (rows, w.shape[1])))
    if len(ctx.inputs) == 3 and ctx.needs_input_grad(2):
        gb = F.sum_to(g, (w.shape[0],))
    return (gx, gw, gb) if len(ctx.inputs) == 3 else (gx, gw)


def _infer(x, w, b=None):
    if len(w.shape) != 2 or not x.shape or x.shape[-1] != w.shape[1]:
        raise ShapeError(f"linear: input has {x.shape[-1] if x.shape else 0} features (shape {x.shape}) but weight "
                         f"expects {w.shape[-1] if w.shape else 0} (weight shape {w.shape}, (out, in))")
    if b is not None and tuple(b.shape) != (w.shape[0],):
        raise ShapeError(f"linear: bias of shape {b.shape} does not match {w.shape[0]} output features")
    return Spec(tuple(x.shape[:-1]) + (w.shape[0],), x.dtype)


linear_op = OpDef(
    name="linear", forward=_forward, backward=_backward, infer=_infer,
    onnx=Onnx(emit=lambda e, x, w, b=None: e.linear(x, w, b)),
    compiled=Compiled(out=linear_into, fresh=True, blas=True, flops=gemm_flops),
    variants=Variants(functional=True),
    samples=lambda: [Sample((randn(3, 4), randn(5, 4, seed=1), randn(5, seed=2)), name="bias"),
                     Sample((randn(2, 3, 4), randn(5, 4, seed=1)), name="batched"),
                     Sample((randn(4), randn(5, 4, seed=1), randn(5, seed=2)), name="vector")],
    torch_ref=lambda torch, x, w, b=None: torch.nn.functional.linear(x, w, b),
    reference=lambda np, x, w, b=None: np.matmul(x, w.T) + (0 if b is None else b))


def linear(input, weight, bias=None):
    """``input @ weight.T + bias``, the affine map of nn.Linear.

    Args:
        input: (*, in_features); any leading dims are kept.
        weight: (out_features, in_features).
        bias: (out_features,), or None for none.

    Returns (*, out_features).

    Example::

        >>> x = ug.tensor([[1.0, 2.0, 3.0]])
        >>> w = ug.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]])
        >>> ug.linear(x, w, ug.tensor([0.5, -0.5]))
        tensor([[1.5, 4.5]])
    """
    operands = tensor_operands(input, weight) if bias is None else tensor_operands(input, weight, bias)
    return dispatch(linear_op, tuple(operands), {})


register(linear_op, public=linear)
