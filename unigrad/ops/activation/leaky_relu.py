"""leaky_relu: input where positive, negative_slope * input elsewhere."""
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import away_from
from ..elementwise.unary import same_infer


def _forward(xp, x, negative_slope=0.01):
    return xp.where(x > 0, x, x * x.dtype.type(negative_slope))


def _backward(ctx, g):
    x = ctx.inputs[0]
    return (F.where(F.gt(x, 0), g, F.mul(g, ctx.attrs.get("negative_slope", 0.01))),)


leaky_relu_op = OpDef(
    name="leaky_relu", forward=_forward, backward=_backward, infer=same_infer,
    onnx=Onnx("LeakyRelu", attrs=lambda negative_slope=0.01: {"alpha": float(negative_slope)}),
    variants=Variants(functional=True),
    samples=lambda: [Sample((away_from(3, 4),), {"negative_slope": 0.1}), Sample((away_from(5, seed=2),))],
    torch_ref=lambda torch, x, negative_slope=0.01: torch.nn.functional.leaky_relu(x, negative_slope),
    reference=lambda np, x, negative_slope=0.01: np.where(x > 0, x, negative_slope * x))


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """input where positive, ``negative_slope * input`` elsewhere. (inplace is accepted for
    PyTorch's signature; the result is always a new tensor.)

    Example::

        >>> ug.nn.functional.leaky_relu(ug.tensor([-2.0, 3.0]), 0.1)
        tensor([-0.2,  3. ])
    """
    return dispatch(leaky_relu_op, (as_float_tensor(input),), {"negative_slope": negative_slope})


register(leaky_relu_op, public=leaky_relu)
