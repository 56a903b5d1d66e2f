"""Comparisons, logical ops, where, maximum/minimum and clamp."""
import numpy as np

from ...backend import dtypes as _dt
from ...errors import DtypeError
from .. import api as F
from ..dispatch import dispatch
from ..operands import tensor_operands, ensure_tensor
from ..registry import Compiled, OpDef, Sample, register
from ..spec import elementwise_flops
from .facts import ufunc_facts
from ..sampling import away_from, randn
from ..spec import Spec, broadcast_shapes_of


def _compare_samples():
    a = randn(3, 4)
    b = randn(3, 4, seed=1)
    b[0, 0] = a[0, 0]  # include a tie
    return [Sample((a, b), grad=False), Sample((randn(2, 1, 3), randn(4, 1, seed=2)), grad=False)]


def _register_compare(name, fn, torch_name):
    op = register(OpDef(
        name=name, forward=lambda xp, a, b: fn(a, b), diff_outputs=(),
        infer=lambda a, b: Spec(broadcast_shapes_of(name, a, b), _dt.bool_),
        samples=_compare_samples, torch_ref=lambda torch, a, b: getattr(torch, torch_name)(a, b),
        reference=lambda np, a, b: fn(a, b)))

    def public(input, other):
        return dispatch(op, tensor_operands(input, other), {})
    public.__name__ = name
    op.public = public
    return public


eq = _register_compare("eq", lambda a, b: a == b, "eq")
ne = _register_compare("ne", lambda a, b: a != b, "ne")
lt = _register_compare("lt", lambda a, b: a < b, "lt")
le = _register_compare("le", lambda a, b: a <= b, "le")
gt = _register_compare("gt", lambda a, b: a > b, "gt")
ge = _register_compare("ge", lambda a, b: a >= b, "ge")


def _bool_samples():
    r = randn(3, 4)
    return [Sample((r > 0, randn(3, 4, seed=1) > 0), grad=False)]


def _register_logical(name, fn, torch_name):
    op = register(OpDef(
        name=name, forward=lambda xp, a, b: fn(xp, a, b), diff_outputs=(),
        infer=lambda a, b: Spec(broadcast_shapes_of(name, a, b), _dt.bool_),
        samples=_bool_samples, torch_ref=lambda torch, a, b: getattr(torch, torch_name)(a, b),
        reference=lambda np, a, b: fn(np, a, b)))

    def public(input, other):
        a, b = tensor_operands(input, other)
        return dispatch(op, (a, b), {})
    public.__name__ = name
    op.public = public
    return public


logical_and = _register_logical("logical_and", lambda xp, a, b: xp.logical_and(a, b), "logical_and")
logical_or = _register_logical("logical_or", lambda xp, a, b: xp.logical_or(a, b), "logical_or")

logical_not_op = register(OpDef(
    name="logical_not", forward=lambda xp, x: xp.logical_not(x), diff_outputs=(),
    infer=lambda x: Spec(x.shape, _dt.bool_), samples=lambda: [Sample((randn(3, 4) > 0,), grad=False)],
    torch_ref=lambda torch, x: torch.logical_not(x), reference=lambda np, x: np.logical_not(x)))
isnan_op = register(OpDef(
    name="isnan", forward=lambda xp, x: xp.isnan(x), diff_outputs=(),
    infer=lambda x: Spec(x.shape, _dt.bool_),
    samples=lambda: [Sample((np.where(randn(3, 4, seed=2) > 0, randn(3, 4), np.nan),), grad=False)],
    torch_ref=lambda torch, x: torch.isnan(x), reference=lambda np, x: np.isnan(x)))


def logical_not(input):
    return dispatch(logical_not_op, (input,), {})


def isnan(input):
    return dispatch(isnan_op, (input,), {})


logical_not_op.public = logical_not
isnan_op.public = isnan


def _where_infer(cond, a, b):
    if cond.dtype is not _dt.bool_:
        raise DtypeError(f"op 'where': condition must be bool, got {cond.dtype}")
    return Spec(broadcast_shapes_of("where", cond, a, b), a.dtype)


def _where_backward(ctx, g):
    cond, a, b = ctx.inputs
    zero = F.zeros_like(g) if (ctx.needs_input_grad(1) or ctx.needs_input_grad(2)) else None
    ga = F.sum_to(F.where(cond, g, zero), a.shape) if ctx.needs_input_grad(1) else None
    gb = F.sum_to(F.where(cond, zero, g), b.shape) if ctx.needs_input_grad(2) else None
    return None, ga, gb


where_op = register(OpDef(
    name="where", forward=lambda xp, c, a, b: xp.where(c, a, b), backward=_where_backward,
    compiled=Compiled(fresh=True, flops=elementwise_flops),
    infer=_where_infer, nondiff_inputs=(0,),
    samples=lambda: [Sample((randn(3, 4) > 0, randn(3, 4, seed=1), randn(3, 4, seed=2))),
                     Sample((randn(3, 1) > 0, randn(1, 4, seed=1), randn(4, seed=2)))],
    torch_ref=lambda torch, c, a, b: torch.where(c, a, b), reference=lambda np, c, a, b: np.where(c, a, b)))


def where(condition, input, other):
    condition = ensure_tensor(condition)
    a, b = tensor_operands(input, other)
    if condition._dtype is not _dt.bool_:
        condition = F.ne(condition, 0)
    return dispatch(where_op, (condition, a, b), {})


where_op.public = where


def _minmax_backward(pick):
    def backward(ctx, g):
        a, b = ctx.inputs
        out_a = pick(a, b)
        tie = F.eq(a, b)
        half = F.mul(g, 0.5)
        ga = F.where(tie, half, F.where(out_a, g, F.zeros_like(g)))
        gb = F.sub(g, ga)
        return F.sum_to(ga, a.shape), F.sum_to(gb, b.shape)
    return backward


def _minmax_samples():
    a = away_from(3, 4)
    return [Sample((a, away_from(3, 4, seed=5))), Sample((away_from(2, 3, seed=2), away_from(3, seed=3)))]


maximum_op = register(OpDef(
    name="maximum", forward=lambda xp, a, b: xp.maximum(a, b), backward=_minmax_backward(lambda a, b: F.gt(a, b)),
    infer=lambda a, b: Spec(broadcast_shapes_of("maximum", a, b), a.dtype), samples=_minmax_samples,
    compiled=ufunc_facts("maximum", "where({0} >= {1}, {0}, {1})", commutative=True, cuda="max({0}, {1})"),
    torch_ref=lambda torch, a, b: torch.maximum(a, b), reference=lambda np, a, b: np.maximum(a, b)))
minimum_op = register(OpDef(
    name="minimum", forward=lambda xp, a, b: xp.minimum(a, b), backward=_minmax_backward(lambda a, b: F.lt(a, b)),
    infer=lambda a, b: Spec(broadcast_shapes_of("minimum", a, b), a.dtype), samples=_minmax_samples,
    compiled=ufunc_facts("minimum", "where({0} <= {1}, {0}, {1})", commutative=True, cuda="min({0}, {1})"),
    torch_ref=lambda torch, a, b: torch.minimum(a, b), reference=lambda np, a, b: np.minimum(a, b)))


def maximum(input, other):
    return dispatch(maximum_op, tensor_operands(input, other), {})


def minimum(input, other):
    return dispatch(minimum_op, tensor_operands(input, other), {})


maximum_op.public = maximum
minimum_op.public = minimum


def _clamp_forward(xp, x, min=None, max=None):
    if min is None and max is None:
        raise DtypeError("op 'clamp': at least one of min and max must be given")
    return xp.clip(x, min, max)


def _clamp_backward(ctx, g):
    x = ctx.inputs[0]
    lo, hi = ctx.attrs.get("min"), ctx.attrs.get("max")
    mask = None
    if lo is not None:
        mask = F.ge(x, lo)
    if hi is not None:
        upper = F.le(x, hi)
        mask = upper if mask is None else F.logical_and(mask, upper)
    return (F.where(mask, g, F.zeros_like(g)),)


clamp_op = register(OpDef(
    name="clamp", forward=_clamp_forward, backward=_clamp_backward, infer=lambda x, **a: Spec(x.shape, x.dtype),
    samples=lambda: [Sample((away_from(3, 4, points=(-0.5, 0.5)),), {"min": -0.5, "max": 0.5}),
                     Sample((away_from(3, 4, points=(0.0,)),), {"min": 0.0}),
                     Sample((away_from(5, points=(0.3,)),), {"max": 0.3})],
    torch_ref=lambda torch, x, min=None, max=None: torch.clamp(x, min, max),
    reference=lambda np, x, min=None, max=None: np.clip(x, min, max)))


def clamp(input, min=None, max=None):
    if min is None and max is None:
        raise DtypeError("clamp: at least one of min and max must be given")
    attrs = {}
    if min is not None:
        attrs["min"] = min
    if max is not None:
        attrs["max"] = max
    return dispatch(clamp_op, (input,), attrs)


clamp_op.public = clamp
clip = clamp
