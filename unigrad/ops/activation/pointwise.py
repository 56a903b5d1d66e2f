"""Activation primitives whose backward reads the input or output: relu, leaky_relu, sigmoid,
tanh, erf. (Composites like gelu and silu live in composite.py.)"""
import math

import numpy as np

from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import Compiled, InPlace, OpDef, Sample, register
from ..spec import elementwise_flops
from ..elementwise.facts import ufunc_facts
from ..sampling import away_from, randn
from ..spec import Spec
from ...backend.device import scalar
from ...backend.zero_arrays import zeros_of
from ...core.tensor import Tensor

_NO_ATTRS = {}


def _same(x, **attrs):
    return Spec(x.shape, x.dtype)


def _kink_samples():
    return [Sample((away_from(3, 4),)), Sample((away_from(2, 3, 5, seed=2),)), Sample((away_from(4, 3, seed=3).T,))]


def _smooth_samples():
    return [Sample((randn(3, 4),)), Sample((randn(()),)), Sample((randn(0, 3),))]


def _relu_backward(ctx, g):
    return (dispatch(threshold_backward_op, (g, ctx.output()), _NO_ATTRS),)


def _threshold_backward_forward(xp, g, y):
    return xp.multiply(g, y > 0)


def threshold_backward_into(g, y, out):
    """The op writing into `out` (which may be g itself)."""
    return np.multiply(g, y > 0, out=out)


def _relu_forward(xp, x):
    if xp is np and x.size >= 1024:
        return np.maximum(x, zeros_of(x))  # the array-array loop: 3x faster than against a scalar
    return xp.maximum(x, scalar(xp, 0, x.dtype))


def relu_into(x, out):
    """relu writing into `out` (NumPy)."""
    return np.maximum(x, zeros_of(x), out=out)


threshold_backward_op = register(OpDef(
    name="threshold_backward", forward=_threshold_backward_forward,
    backward=lambda ctx, gg: (dispatch(threshold_backward_op, (gg, ctx.inputs[1]), _NO_ATTRS), None),
    nondiff_inputs=(1,), infer=lambda g, y: Spec(g.shape, g.dtype),
    compiled=Compiled(in_place=InPlace(over_first=threshold_backward_into), out=threshold_backward_into, fresh=True,
                      fusion=("where({1} > 0, {0}, 0)", "({1} > 0 ? {0} : 0)"), flops=elementwise_flops),
    samples=lambda: [Sample((randn(3, 4), np.maximum(away_from(3, 4, seed=2), 0)), diff=(0,))],
    torch_ref=lambda torch, g, y: g * (y > 0), reference=lambda np, g, y: g * (y > 0),
    doc="relu's gradient: g where y > 0, else 0 (an op, so relu has grad-of-grad)."))


relu_op = register(OpDef(
    name="relu", forward=_relu_forward, backward=_relu_backward, infer=_same,
    compiled=Compiled(out=relu_into, fresh=True, fusion=("where({0} > 0, {0}, 0)", "({0} > 0 ? {0} : 0)"),
                      flops=elementwise_flops),
    saves_outputs=True, saves_inputs=False, samples=_kink_samples, torch_ref=lambda torch, x: torch.relu(x),
    reference=lambda np, x: np.where(x > 0, x, 0)))


def _leaky_forward(xp, x, negative_slope=0.01):
    return xp.where(x > 0, x, x * x.dtype.type(negative_slope))


def _leaky_backward(ctx, g):
    x = ctx.inputs[0]
    return (F.where(F.gt(x, 0), g, F.mul(g, ctx.attrs.get("negative_slope", 0.01))),)


leaky_relu_op = register(OpDef(
    name="leaky_relu", forward=_leaky_forward, backward=_leaky_backward, infer=_same,
    samples=lambda: [Sample((away_from(3, 4),), {"negative_slope": 0.1}), Sample((away_from(5, seed=2),))],
    torch_ref=lambda torch, x, negative_slope=0.01: torch.nn.functional.leaky_relu(x, negative_slope),
    reference=lambda np, x, negative_slope=0.01: np.where(x > 0, x, negative_slope * x)))


def _sigmoid_forward(xp, x):
    # 0.5 * (1 + tanh(x/2)) never overflows, unlike 1 / (1 + exp(-x))
    half = scalar(xp, 0.5, x.dtype)
    return half * (xp.tanh(x * half) + scalar(xp, 1, x.dtype))


def _sigmoid_backward(ctx, g):
    return (dispatch(sigmoid_backward_op, (g, ctx.output()), _NO_ATTRS),)


def _sigmoid_backward_forward(xp, g, y):
    gy = g * y
    return gy - gy * y  # g * y * (1 - y)


def _sigmoid_backward_backward(ctx, gg):
    g, y = ctx.inputs
    return F.mul(gg, F.mul(y, F.rsub(y, 1))), F.mul(F.mul(gg, g), F.rsub(F.mul(y, 2.0), 1))


sigmoid_backward_op = register(OpDef(
    name="sigmoid_backward", forward=_sigmoid_backward_forward, backward=_sigmoid_backward_backward,
    infer=lambda g, y: Spec(g.shape, g.dtype),
    compiled=Compiled(fresh=True, fusion=("({0} * {1} * (1 - {1}))",) * 2, flops=elementwise_flops),
    samples=lambda: [Sample((randn(3, 4), randn(3, 4, seed=2) * 0.3 + 0.5))],
    torch_ref=lambda torch, g, y: g * y * (1 - y), reference=_sigmoid_backward_forward,
    doc="sigmoid's gradient g * y * (1 - y), fused."))


sigmoid_op = register(OpDef(
    name="sigmoid", forward=_sigmoid_forward, backward=_sigmoid_backward, infer=_same, saves_outputs=True,
    compiled=Compiled(fresh=True, flops=elementwise_flops),
    saves_inputs=False,
    samples=_smooth_samples, torch_ref=lambda torch, x: torch.sigmoid(x),
    reference=lambda np, x: 1 / (1 + np.exp(-x))))


def _tanh_backward(ctx, g):
    return (dispatch(tanh_backward_op, (g, ctx.output()), _NO_ATTRS),)


def _tanh_backward_forward(xp, g, y):
    gy = g * y
    return g - gy * y  # g * (1 - y^2) without a scalar operand (array-with-scalar is NumPy's slow path)


def _tanh_backward_backward(ctx, gg):
    g, y = ctx.inputs
    return F.mul(gg, F.rsub(F.mul(y, y), 1)), F.mul(F.mul(gg, g), F.mul(y, -2.0))


tanh_backward_op = register(OpDef(
    name="tanh_backward", forward=_tanh_backward_forward, backward=_tanh_backward_backward,
    infer=lambda g, y: Spec(g.shape, g.dtype),
    compiled=Compiled(fresh=True, fusion=("({0} * (1 - {1} * {1}))",) * 2, flops=elementwise_flops),
    samples=lambda: [Sample((randn(3, 4), randn(3, 4, seed=2) * 0.5))],
    torch_ref=lambda torch, g, y: g * (1 - y * y), reference=_tanh_backward_forward,
    doc="tanh's gradient g * (1 - y^2), fused."))


tanh_op = register(OpDef(
    name="tanh", forward=lambda xp, x: xp.tanh(x), backward=_tanh_backward, infer=_same, saves_outputs=True,
    compiled=ufunc_facts("tanh", "tanh({0})"),
    array_fn=np.tanh,  # NumPy ufuncs hand CuPy arrays to CuPy (__array_ufunc__), so this serves both
    saves_inputs=False,
    samples=_smooth_samples, torch_ref=lambda torch, x: torch.tanh(x), reference=lambda np, x: np.tanh(x)))


def _erf_array(xp, x):
    if xp is not np:
        from cupyx.scipy.special import erf as cupy_erf
        return cupy_erf(x)
    try:
        from scipy.special import erf as scipy_erf  # fast path when SciPy is installed
        return scipy_erf(x).astype(x.dtype, copy=False)
    except ImportError:
        return np.frompyfunc(math.erf, 1, 1)(x).astype(x.dtype)


def _erf_backward(ctx, g):
    x = ctx.inputs[0]
    return (F.mul(g, F.mul(F.exp(F.neg(F.mul(x, x))), 2.0 / math.sqrt(math.pi))),)


erf_op = register(OpDef(
    name="erf", forward=_erf_array, backward=_erf_backward, infer=_same, samples=_smooth_samples,
    torch_ref=lambda torch, x: torch.erf(x),
    reference=lambda np, x: np.vectorize(math.erf)(x) if x.size else x))


def _public(op, **defaults):
    def public(input):
        if not (isinstance(input, Tensor) and input._dtype.category == 2):
            input = as_float_tensor(input)
        return dispatch(op, (input,), _NO_ATTRS)
    public.__name__ = op.name
    op.public = public
    return public


relu = _public(relu_op)
sigmoid = _public(sigmoid_op)
tanh = _public(tanh_op)
erf = _public(erf_op)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return dispatch(leaky_relu_op, (as_float_tensor(input),), {"negative_slope": negative_slope})


leaky_relu_op.public = leaky_relu
