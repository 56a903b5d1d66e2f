"""Unary math: exp, log, sqrt, rsqrt, abs, sign, sin, cos, and the rounding family.

`ufunc` is the same computation as a NumPy ufunc, which dispatch calls without a Python frame;
NumPy ufuncs defer to CuPy for CuPy arrays, so it serves both devices."""
import numpy as np

from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor, tensor_operands
from ..registry import Compiled, OpDef, Sample, register
from ..spec import elementwise_flops
from .facts import ufunc_facts
from ..sampling import away_from, positive, randn
from ..spec import Spec


def _same(x):
    return Spec(x.shape, x.dtype)


def _unary(name, forward, backward, torch_ref, samples, saves_outputs=False, floating=True, doc="",
           saves_inputs=True, ufunc=None, compiled=Compiled(flops=elementwise_flops)):
    op = register(OpDef(name=name, forward=forward, backward=backward, infer=_same, samples=samples,
                        torch_ref=torch_ref, reference=forward, saves_outputs=saves_outputs, saves_inputs=saves_inputs,
                        array_fn=ufunc, compiled=compiled,
                        diff_outputs=(0,) if backward else (), doc=doc))
    convert = as_float_tensor if floating else (lambda x: x)

    def public(input):
        return dispatch(op, (convert(input),), {})
    public.__name__ = name
    op.public = public
    return public


def _any_samples():
    return [Sample((randn(3, 4),)), Sample((randn(()),)), Sample((randn(0, 2),)), Sample((randn(4, 3).T,))]


def _pos_samples():
    return [Sample((positive(3, 4),)), Sample((positive(()),)), Sample((positive(4, 3).T,))]


def _kink_samples():
    return [Sample((away_from(3, 4),)), Sample((away_from(5, seed=3),))]


exp = _unary("exp", lambda xp, x: xp.exp(x), lambda ctx, g: (F.mul(g, ctx.output()),),
             lambda torch, x: torch.exp(x), _any_samples, saves_outputs=True, saves_inputs=False, ufunc=np.exp,
             compiled=ufunc_facts("exp", "exp({0})"))
log = _unary("log", lambda xp, x: xp.log(x), lambda ctx, g: (F.div(g, ctx.inputs[0]),),
             lambda torch, x: torch.log(x), _pos_samples, ufunc=np.log,
             compiled=ufunc_facts("log", "log({0})", in_place=False))
sqrt = _unary("sqrt", lambda xp, x: xp.sqrt(x), lambda ctx, g: (F.div(F.mul(g, 0.5), ctx.output()),),
              lambda torch, x: torch.sqrt(x), _pos_samples, saves_outputs=True, saves_inputs=False,
              compiled=ufunc_facts("sqrt", "sqrt({0})"))


def _rsqrt_forward(xp, x):
    return 1 / xp.sqrt(x)


rsqrt = _unary("rsqrt", _rsqrt_forward,
               lambda ctx, g: (F.mul(F.mul(g, -0.5), F.div(ctx.output(), ctx.inputs[0])),),
               lambda torch, x: torch.rsqrt(x), _pos_samples, saves_outputs=True)
abs = _unary("abs", lambda xp, x: xp.abs(x), lambda ctx, g: (F.mul(g, F.sign(ctx.inputs[0])),),
             lambda torch, x: torch.abs(x), _kink_samples, floating=False,
             compiled=Compiled(fusion=("abs({0})", "fabs({0})"), flops=elementwise_flops))
sign = _unary("sign", lambda xp, x: xp.sign(x), None, lambda torch, x: torch.sign(x), _kink_samples,
              floating=False)
sin = _unary("sin", lambda xp, x: xp.sin(x), lambda ctx, g: (F.mul(g, F.cos(ctx.inputs[0])),),
             lambda torch, x: torch.sin(x), _any_samples)
cos = _unary("cos", lambda xp, x: xp.cos(x), lambda ctx, g: (F.neg(F.mul(g, F.sin(ctx.inputs[0]))),),
             lambda torch, x: torch.cos(x), _any_samples)


def _rounding_samples():
    return [Sample((away_from(3, 4, points=(-1.0, 0.0, 1.0, 2.0, -2.0)) * 1.3,), grad=False)]


floor = _unary("floor", lambda xp, x: xp.floor(x), None, lambda torch, x: torch.floor(x), _rounding_samples,
               floating=False)
ceil = _unary("ceil", lambda xp, x: xp.ceil(x), None, lambda torch, x: torch.ceil(x), _rounding_samples,
              floating=False)
trunc = _unary("trunc", lambda xp, x: xp.trunc(x), None, lambda torch, x: torch.trunc(x), _rounding_samples,
               floating=False)
round = _unary("round", lambda xp, x: xp.round(x), None, lambda torch, x: torch.round(x), _rounding_samples,
               floating=False)

floor_divide_op = register(OpDef(
    name="floor_divide", forward=lambda xp, a, b: xp.floor_divide(a, b), diff_outputs=(),
    infer=lambda a, b: Spec(F.broadcast_shapes_of("floor_divide", a, b), a.dtype),
    samples=lambda: [Sample((randn(3, 4) * 5, positive(3, 4, seed=1)), grad=False)],
    torch_ref=lambda torch, a, b: torch.floor_divide(a, b), reference=lambda np, a, b: np.floor_divide(a, b)))
remainder_op = register(OpDef(
    name="remainder", forward=lambda xp, a, b: xp.remainder(a, b), diff_outputs=(),
    infer=lambda a, b: Spec(F.broadcast_shapes_of("remainder", a, b), a.dtype),
    samples=lambda: [Sample((randn(3, 4) * 5, positive(3, 4, seed=1)), grad=False)],
    torch_ref=lambda torch, a, b: torch.remainder(a, b), reference=lambda np, a, b: np.remainder(a, b)))


def floor_divide(input, other):
    return dispatch(floor_divide_op, tensor_operands(input, other), {})


def remainder(input, other):
    return dispatch(remainder_op, tensor_operands(input, other), {})


floor_divide_op.public = floor_divide
remainder_op.public = remainder


def square(input):
    return F.mul(input, input)
