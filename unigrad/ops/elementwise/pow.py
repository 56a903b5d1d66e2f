"""pow: input ** exponent, elementwise with broadcasting."""
from .. import api as F
from ..dispatch import dispatch
from ..operands import tensor_operands
from ..registry import Compiled, Onnx, OpDef, Sample, Variants, register
from ..sampling import positive, randn
from ..spec import elementwise_flops
from .binary import NO_ATTRS, binary_infer, reduce_broadcast


def _forward(xp, a, b):
    return a ** b


def _backward(ctx, g):
    a, b = ctx.inputs
    ga = gb = None
    if ctx.needs_input_grad(0):
        ga = F.mul(g, F.mul(b, F.pow(a, F.sub(b, 1))))
    if ctx.needs_input_grad(1):
        gb = F.mul(g, F.mul(F.pow(a, b), F.log(a)))
    return reduce_broadcast(ctx, ga, gb)


pow_op = OpDef(
    name="pow", forward=_forward, backward=_backward, infer=binary_infer("pow"),
    onnx=Onnx("Pow"),
    compiled=Compiled(fresh=True, flops=elementwise_flops),
    variants=Variants(methods=("pow",), operators=("__pow__",), reflected=("__rpow__",), inplace=("pow_",)),
    samples=lambda: [Sample((positive(3, 4), randn(3, 4, seed=1))),
                     Sample((positive(2, 3, seed=2), randn(3, seed=3))),
                     Sample((randn(4, seed=4), 2.0), name="square"),
                     Sample((positive(4, seed=5), 0.5), name="sqrt")],
    torch_ref=lambda torch, a, b: a ** b, reference=_forward)


def pow(input, exponent):
    """``input ** exponent``, elementwise, broadcasting the two shapes.

    Example::

        >>> ug.pow(ug.tensor([1.0, 2.0, 3.0]), 2)
        tensor([1., 4., 9.])
        >>> 2 ** ug.tensor([0.0, 3.0])
        tensor([1., 8.])
    """
    return dispatch(pow_op, tensor_operands(input, exponent), NO_ATTRS)


register(pow_op, public=pow)
