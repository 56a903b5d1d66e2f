"""where: pick from input where the condition holds, else from other (with broadcasting)."""
from ...backend import dtypes as _dt
from ...errors import DtypeError
from .. import api as F
from ..dispatch import dispatch
from ..operands import ensure_tensor, tensor_operands
from ..registry import Compiled, Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, broadcast_shapes_of, elementwise_flops
from .binary import NO_ATTRS


def _forward(xp, condition, a, b):
    return xp.where(condition, a, b)


def _backward(ctx, g):
    cond, a, b = ctx.inputs
    zero = F.zeros_like(g) if (ctx.needs_input_grad(1) or ctx.needs_input_grad(2)) else None
    ga = F.sum_to(F.where(cond, g, zero), a.shape) if ctx.needs_input_grad(1) else None
    gb = F.sum_to(F.where(cond, zero, g), b.shape) if ctx.needs_input_grad(2) else None
    return None, ga, gb


def _infer(condition, a, b):
    if condition.dtype is not _dt.bool_:
        raise DtypeError(f"op 'where': condition must be bool, got {condition.dtype}")
    return Spec(broadcast_shapes_of("where", condition, a, b), a.dtype)


where_op = OpDef(
    name="where", forward=_forward, backward=_backward, infer=_infer, nondiff_inputs=(0,),
    onnx=Onnx("Where"),
    compiled=Compiled(fresh=True, flops=elementwise_flops), variants=Variants(),
    samples=lambda: [Sample((randn(3, 4) > 0, randn(3, 4, seed=1), randn(3, 4, seed=2))),
                     Sample((randn(3, 1) > 0, randn(1, 4, seed=1), randn(4, seed=2)))],
    torch_ref=lambda torch, c, a, b: torch.where(c, a, b), reference=_forward)


def where(condition, input, other):
    """input where condition holds, other elsewhere; the three shapes broadcast. A condition
    that is not bool counts nonzero as true.

    Example::

        >>> x = ug.tensor([-1.0, 2.0, -3.0])
        >>> ug.where(x > 0, x, 0.0)
        tensor([0., 2., 0.])
    """
    condition = ensure_tensor(condition)
    a, b = tensor_operands(input, other)
    if condition._dtype is not _dt.bool_:
        condition = F.ne(condition, 0)
    return dispatch(where_op, (condition, a, b), NO_ATTRS)


register(where_op, public=where)
