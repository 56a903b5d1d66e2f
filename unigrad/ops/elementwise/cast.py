"""to_dtype: change a tensor's dtype; the gradient is cast back."""
from ...backend import dtypes as _dt
from ..registry import OpDef, Sample, register
from ..sampling import randn
from ..spec import Spec


def _backward(ctx, g):
    return (to_dtype(g, ctx.inputs[0]._dtype),)


to_dtype_op = register(OpDef(
    name="to_dtype", saves_inputs=False,
    forward=lambda xp, x, dtype: x.astype(dtype.np),
    backward=_backward,
    infer=lambda x, dtype: Spec(x.shape, dtype),
    samples=lambda: [Sample((randn(2, 3),), {"dtype": _dt.float32}, grad=False),
                     Sample((randn(3),), {"dtype": _dt.float64})],
    torch_ref=lambda torch, x, dtype: x.to(getattr(torch, dtype.name)),
    reference=lambda np, x, dtype: x.astype(dtype.np),
    doc="Convert to another dtype.",
))


def to_dtype(x, dtype):
    dtype = _dt.to_dtype(dtype)
    if x._dtype is dtype:
        return x
    from ..dispatch import dispatch
    out = dispatch(to_dtype_op, (x,), {"dtype": dtype})
    if not dtype.is_floating_point and out.requires_grad:  # integer results carry no gradient
        out = out.detach()
    return out


to_dtype_op.public = to_dtype
