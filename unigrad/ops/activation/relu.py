"""relu: max(input, 0), and its gradient op threshold_backward (g where y > 0), an op of its own
so that relu has a gradient of its gradient and compiled steps run it in place."""
import numpy as np

from ...backend.device import scalar
from ...backend.zero_arrays import zeros_of
from ...core.tensor import Tensor
from ..dispatch import dispatch
from ..registry import INTERNAL, Compiled, InPlace, Onnx, OpDef, Sample, Variants, register
from ..sampling import away_from, randn
from ..spec import Spec, elementwise_flops
from ..elementwise.binary import NO_ATTRS
from ..elementwise.unary import same_infer
from .common import floating, kink_samples


# ---- threshold_backward: relu's gradient -----------------------------------------------------
def _threshold_backward_forward(xp, g, y):
    return xp.multiply(g, y > 0)


def threshold_backward_into(g, y, out):
    """The op writing into `out` (which may be g itself), NumPy."""
    return np.multiply(g, y > 0, out=out)


def _threshold_backward_backward(ctx, gg):
    return dispatch(threshold_backward_op, (gg, ctx.inputs[1]), NO_ATTRS), None


threshold_backward_op = OpDef(
    name="threshold_backward", forward=_threshold_backward_forward, backward=_threshold_backward_backward,
    onnx=Onnx(emit=lambda e, g, y: e.node("Where", [e.node("Greater", [y, e.scalar(0, e.dtype(y))]), g,
                                                    e.scalar(0, e.dtype(g))])),
    nondiff_inputs=(1,), infer=lambda g, y: Spec(g.shape, g.dtype),
    compiled=Compiled(in_place=InPlace(over_first=threshold_backward_into), out=threshold_backward_into, fresh=True,
                      fusion=("where({1} > 0, {0}, 0)", "({1} > 0 ? {0} : 0)"), flops=elementwise_flops),
    variants=INTERNAL,
    samples=lambda: [Sample((randn(3, 4), np.maximum(away_from(3, 4, seed=2), 0)), diff=(0,))],
    torch_ref=lambda torch, g, y: g * (y > 0), reference=lambda np, g, y: g * (y > 0))


def threshold_backward(g, y):
    """relu's gradient: g where y > 0, else 0."""
    return dispatch(threshold_backward_op, (g, y), NO_ATTRS)


register(threshold_backward_op, public=threshold_backward)


# ---- relu ----------------------------------------------------------------------------------
def _forward(xp, x):
    if xp is np and x.size >= 1024:
        return np.maximum(x, zeros_of(x))  # the array-array loop: 3x faster than against a scalar
    return xp.maximum(x, scalar(xp, 0, x.dtype))


def relu_into(x, out):
    """relu writing into `out`, NumPy."""
    return np.maximum(x, zeros_of(x), out=out)


def _backward(ctx, g):
    return (dispatch(threshold_backward_op, (g, ctx.output()), NO_ATTRS),)


relu_op = OpDef(
    name="relu", forward=_forward, backward=_backward, infer=same_infer, saves_outputs=True, saves_inputs=False,
    onnx=Onnx("Relu"),
    compiled=Compiled(out=relu_into, fresh=True, fusion=("where({0} > 0, {0}, 0)", "({0} > 0 ? {0} : 0)"),
                      flops=elementwise_flops),
    variants=Variants(methods=("relu",), inplace=("relu_",), functional=True),
    samples=kink_samples, torch_ref=lambda torch, x: torch.relu(x), reference=lambda np, x: np.where(x > 0, x, 0))


def relu(input):
    """``max(input, 0)``, elementwise: the rectified linear unit.

    Example::

        >>> ug.relu(ug.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """
    if input.__class__ is not Tensor or input._dtype.category != 2:  # (inline: relu is on the hot path)
        input = floating(input)
    return dispatch(relu_op, (input,), NO_ATTRS)


register(relu_op, public=relu)
