"""sigmoid: 1 / (1 + exp(-input)), and its gradient op sigmoid_backward (g * y * (1 - y))."""
from ...backend.device import scalar
from .. import api as F
from ...core.tensor import Tensor
from ..dispatch import dispatch
from ..registry import INTERNAL, Compiled, Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, elementwise_flops
from ..elementwise.binary import NO_ATTRS
from ..elementwise.unary import same_infer
from .common import floating, smooth_samples


# ---- sigmoid_backward: sigmoid's gradient, one fused op --------------------------------------
def _grad_forward(xp, g, y):
    gy = g * y
    return gy - gy * y  # g * y * (1 - y)


def _grad_backward(ctx, gg):
    g, y = ctx.inputs
    return F.mul(gg, F.mul(y, F.rsub(y, 1))), F.mul(F.mul(gg, g), F.rsub(F.mul(y, 2.0), 1))


sigmoid_backward_op = OpDef(
    name="sigmoid_backward", forward=_grad_forward, backward=_grad_backward, infer=lambda g, y: Spec(g.shape, g.dtype),
    onnx=Onnx(emit=lambda e, g, y: e.node("Mul", [e.node("Mul", [g, y]),
                                                  e.node("Sub", [e.scalar(1, e.dtype(y)), y])])),
    compiled=Compiled(fresh=True, fusion=("({0} * {1} * (1 - {1}))",) * 2, flops=elementwise_flops),
    variants=INTERNAL,
    samples=lambda: [Sample((randn(3, 4), randn(3, 4, seed=2) * 0.3 + 0.5))],
    torch_ref=lambda torch, g, y: g * y * (1 - y), reference=_grad_forward)


def sigmoid_backward(g, y):
    """sigmoid's gradient ``g * y * (1 - y)`` for its output y."""
    return dispatch(sigmoid_backward_op, (g, y), NO_ATTRS)


register(sigmoid_backward_op, public=sigmoid_backward)


# ---- sigmoid -------------------------------------------------------------------------------
def _forward(xp, x):
    # 0.5 * (1 + tanh(x/2)) never overflows, unlike 1 / (1 + exp(-x))
    half = scalar(xp, 0.5, x.dtype)
    return half * (xp.tanh(x * half) + scalar(xp, 1, x.dtype))


def _backward(ctx, g):
    return (dispatch(sigmoid_backward_op, (g, ctx.output()), NO_ATTRS),)


sigmoid_op = OpDef(
    name="sigmoid", forward=_forward, backward=_backward, infer=same_infer, saves_outputs=True, saves_inputs=False,
    onnx=Onnx("Sigmoid"),
    compiled=Compiled(fresh=True, flops=elementwise_flops),
    variants=Variants(methods=("sigmoid",), inplace=("sigmoid_",), functional=True),
    samples=smooth_samples, torch_ref=lambda torch, x: torch.sigmoid(x),
    reference=lambda np, x: 1 / (1 + np.exp(-x)))


def sigmoid(input):
    """``1 / (1 + exp(-input))``, elementwise (computed without overflow for large |input|).

    Example::

        >>> ug.sigmoid(ug.tensor([0.0, 2.0]))
        tensor([0.5   , 0.8808])
    """
    if input.__class__ is not Tensor or input._dtype.category != 2:  # (inline: sigmoid is on the hot path)
        input = floating(input)
    return dispatch(sigmoid_op, (input,), NO_ATTRS)


register(sigmoid_op, public=sigmoid)
