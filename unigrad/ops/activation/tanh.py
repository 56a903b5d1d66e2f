"""tanh: the hyperbolic tangent, and its gradient op tanh_backward (g * (1 - y^2))."""
import numpy as np

from .. import api as F
from ...core.tensor import Tensor
from ..dispatch import dispatch
from ..registry import INTERNAL, Compiled, Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, elementwise_flops
from ..elementwise.binary import NO_ATTRS
from ..elementwise.facts import ufunc_facts
from ..elementwise.unary import same_infer
from .common import floating, smooth_samples


# ---- tanh_backward: tanh's gradient, one fused op --------------------------------------------
def _grad_forward(xp, g, y):
    gy = g * y
    return g - gy * y  # g * (1 - y^2) without a scalar operand (array-with-scalar is NumPy's slow path)


def _grad_backward(ctx, gg):
    g, y = ctx.inputs
    return F.mul(gg, F.rsub(F.mul(y, y), 1)), F.mul(F.mul(gg, g), F.mul(y, -2.0))


tanh_backward_op = OpDef(
    name="tanh_backward", forward=_grad_forward, backward=_grad_backward, infer=lambda g, y: Spec(g.shape, g.dtype),
    onnx=Onnx(emit=lambda e, g, y: e.node("Mul", [g, e.node("Sub", [e.scalar(1, e.dtype(y)), e.node("Mul", [y, y])])])),
    compiled=Compiled(fresh=True, fusion=("({0} * (1 - {1} * {1}))",) * 2, flops=elementwise_flops),
    variants=INTERNAL,
    samples=lambda: [Sample((randn(3, 4), randn(3, 4, seed=2) * 0.5))],
    torch_ref=lambda torch, g, y: g * (1 - y * y), reference=_grad_forward)


def tanh_backward(g, y):
    """tanh's gradient ``g * (1 - y^2)`` for its output y."""
    return dispatch(tanh_backward_op, (g, y), NO_ATTRS)


register(tanh_backward_op, public=tanh_backward)


# ---- tanh ----------------------------------------------------------------------------------
def _forward(xp, x):
    return xp.tanh(x)


def _backward(ctx, g):
    return (dispatch(tanh_backward_op, (g, ctx.output()), NO_ATTRS),)


tanh_op = OpDef(
    name="tanh", forward=_forward, backward=_backward, infer=same_infer, saves_outputs=True, saves_inputs=False,
    onnx=Onnx("Tanh"),
    array_fn=np.tanh,  # NumPy ufuncs hand CuPy arrays to CuPy (__array_ufunc__), so this serves both
    compiled=ufunc_facts("tanh", "tanh({0})"),
    variants=Variants(methods=("tanh",), inplace=("tanh_",), functional=True),
    samples=smooth_samples, torch_ref=lambda torch, x: torch.tanh(x), reference=lambda np, x: np.tanh(x))


def tanh(input):
    """The hyperbolic tangent of input, elementwise.

    Example::

        >>> ug.tanh(ug.tensor([0.0, 1.0]))
        tensor([0.    , 0.7616])
    """
    if input.__class__ is not Tensor or input._dtype.category != 2:  # (inline: tanh is on the hot path)
        input = floating(input)
    return dispatch(tanh_op, (input,), NO_ATTRS)


register(tanh_op, public=tanh)
