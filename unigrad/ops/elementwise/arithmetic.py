"""add, sub, mul, div, neg, pow: broadcasting binary arithmetic with NumPy/PyTorch promotion."""
import operator

from ...errors import DtypeError
from .. import api as F
from ..dispatch import dispatch
from ...core.tensor import Tensor
from ...backend.device import cpu
from ..operands import const, cpu_float_const, tensor_operands
from ..registry import Compiled, OpDef, Sample, register
from .facts import ufunc_facts
from ..sampling import positive, randn
from ..spec import Spec, broadcast_shapes, elementwise_flops


def _binary_infer(name):
    def infer(a, b):
        if a.dtype is not b.dtype:
            raise DtypeError(f"op '{name}': operand dtypes differ ({a.dtype} vs {b.dtype}); promote first")
        return Spec(broadcast_shapes(name, a.shape, b.shape), a.dtype)
    return infer


def _binary_samples(second=randn):
    return lambda: [
        Sample((randn(3, 4), second(3, 4, seed=1)), name="same"),
        Sample((randn(2, 3, 1), second(4, seed=2)), name="broadcast"),
        Sample((randn(()), second(2, 3, seed=3)), name="scalar"),
        Sample((randn(0, 3), second(3, seed=4)), name="empty"),
        Sample((randn(4, 3).T, second(3, 4, seed=5)), name="strided"),
    ]


_NO_ATTRS = {}  # shared by attr-less calls; nothing mutates a node's attrs


def _grads(ctx, ga, gb):
    """Reduce broadcast gradients back to the operand shapes (free when shapes match)."""
    a, b = ctx.inputs
    if ga is not None and ga._data.shape != a._data.shape:
        ga = F.sum_to(ga, a._data.shape)
    if gb is not None and gb._data.shape != b._data.shape:
        gb = F.sum_to(gb, b._data.shape)
    return ga, gb


def _register_binary(name, forward, backward, torch_ref, second=randn, reference=None, saves_inputs=True,
                     array_fn=None, compiled=Compiled()):
    op = register(OpDef(name=name, forward=forward, backward=backward, infer=_binary_infer(name),
                        samples=_binary_samples(second), torch_ref=torch_ref, reference=reference or forward,
                        saves_inputs=saves_inputs, array_fn=array_fn, compiled=compiled))
    return op


def _add_backward(ctx, g):
    a, b = ctx.inputs
    shape = g._data.shape
    if a._data.shape == shape and b._data.shape == shape:  # no broadcasting: both get g as it is
        return g, g
    return _grads(ctx, g, g)


add_op = _register_binary("add", lambda xp, a, b: a + b, _add_backward,
                          lambda torch, a, b: a + b, saves_inputs=False, array_fn=operator.add,
                          compiled=ufunc_facts("add", "({0} + {1})", commutative=True))
sub_op = _register_binary("sub", lambda xp, a, b: a - b,
                          lambda ctx, g: _grads(ctx, g, F.neg(g) if ctx.needs_input_grad(1) else None),
                          lambda torch, a, b: a - b, saves_inputs=False, array_fn=operator.sub,
                          compiled=ufunc_facts("subtract", "({0} - {1})"))


def _mul_backward(ctx, g):
    a, b = ctx.inputs
    edges = ctx.edges or ctx.edges_list()
    ga = dispatch(mul_op, (g, b), _NO_ATTRS) if edges[0] is not None else None
    gb = dispatch(mul_op, (g, a), _NO_ATTRS) if edges[1] is not None else None
    shape = g._data.shape
    if (ga is None or a._data.shape == shape) and (gb is None or b._data.shape == shape):
        return ga, gb
    return _grads(ctx, ga, gb)


mul_op = _register_binary("mul", lambda xp, a, b: a * b, _mul_backward, lambda torch, a, b: a * b,
                          array_fn=operator.mul, compiled=ufunc_facts("multiply", "({0} * {1})", commutative=True))


def _div_forward(xp, a, b):
    if a.dtype.kind in "biu":  # true division of integers gives the default float, as in PyTorch
        from ...backend.dtypes import get_default_dtype
        return (a / b).astype(get_default_dtype().np)
    return a / b


def _div_backward(ctx, g):
    a, b = ctx.inputs
    ga = F.div(g, b) if ctx.needs_input_grad(0) else None
    gb = F.neg(F.div(F.mul(g, a), F.mul(b, b))) if ctx.needs_input_grad(1) else None
    return _grads(ctx, ga, gb)


div_op = _register_binary("div", _div_forward, _div_backward, lambda torch, a, b: a / b, second=positive,
                          compiled=ufunc_facts("true_divide", "({0} / {1})", in_place=False, fresh=True))


def _pow_backward(ctx, g):
    a, b = ctx.inputs
    ga = gb = None
    if ctx.needs_input_grad(0):
        ga = F.mul(g, F.mul(b, F.pow(a, F.sub(b, 1))))
    if ctx.needs_input_grad(1):
        gb = F.mul(g, F.mul(F.pow(a, b), F.log(a)))
    return _grads(ctx, ga, gb)


pow_op = register(OpDef(
    name="pow", forward=lambda xp, a, b: a ** b, backward=_pow_backward, infer=_binary_infer("pow"),
    samples=lambda: [Sample((positive(3, 4), randn(3, 4, seed=1))),
                     Sample((positive(2, 3, seed=2), randn(3, seed=3))),
                     Sample((randn(4, seed=4), 2.0), name="square"),
                     Sample((positive(4, seed=5), 0.5), name="sqrt")],
    torch_ref=lambda torch, a, b: a ** b, reference=lambda np, a, b: a ** b,
    compiled=Compiled(fresh=True, flops=elementwise_flops), doc="a ** b elementwise."))

neg_op = register(OpDef(
    name="neg", saves_inputs=False, forward=lambda xp, x: -x, backward=lambda ctx, g: (F.neg(g),),
    infer=lambda x: Spec(x.shape, x.dtype), compiled=ufunc_facts("negative", "(-{0})"),
    samples=lambda: [Sample((randn(3, 4),)), Sample((randn(()),))],
    torch_ref=lambda torch, x: -x, reference=lambda np, x: -x))


def add(input, other, alpha=1):
    if alpha != 1:
        other = mul(other, alpha)
    elif isinstance(other, Tensor) and isinstance(input, Tensor) and input._dtype is other._dtype:
        return dispatch(add_op, (input, other), _NO_ATTRS)
    return dispatch(add_op, tensor_operands(input, other), _NO_ATTRS)


def sub(input, other, alpha=1):
    if alpha != 1:
        other = mul(other, alpha)
    elif isinstance(other, Tensor) and isinstance(input, Tensor) and input._dtype is other._dtype:
        return dispatch(sub_op, (input, other), _NO_ATTRS)
    return dispatch(sub_op, tensor_operands(input, other), _NO_ATTRS)


def mul(input, other):
    if isinstance(input, Tensor):
        if isinstance(other, Tensor):
            if input._dtype is other._dtype:
                return dispatch(mul_op, (input, other), _NO_ATTRS)
        elif other.__class__ is float and input._dtype.category == 2:  # x * 0.5
            c = cpu_float_const(other, input._dtype) if input._device is cpu else \
                const(other, input._dtype, input._device)
            return dispatch(mul_op, (input, c), _NO_ATTRS)
    return dispatch(mul_op, tensor_operands(input, other), _NO_ATTRS)


def div(input, other, rounding_mode=None):
    a, b = tensor_operands(input, other)
    if rounding_mode is not None:
        return F.floor_divide(a, b) if rounding_mode == "floor" else F.trunc(dispatch(div_op, (a, b), {}))
    return dispatch(div_op, (a, b), {})


def pow(input, exponent):
    a, b = tensor_operands(input, exponent)
    return dispatch(pow_op, (a, b), {})


def neg(input):
    return dispatch(neg_op, (input,), {})


for _op, _fn in ((add_op, add), (sub_op, sub), (mul_op, mul), (div_op, div), (pow_op, pow), (neg_op, neg)):
    _op.public = _fn
true_divide = divide = div
multiply = mul
subtract = sub
negative = neg
