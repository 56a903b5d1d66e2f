"""to_dtype: a tensor converted to another dtype; the gradient is converted back."""
from ...backend import dtypes as _dt
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec


def _forward(xp, x, dtype):
    return x.astype(dtype.np)


def _backward(ctx, g):
    return (to_dtype(g, ctx.inputs[0]._dtype),)


def _as(dtype, name):
    def method(self):
        return to_dtype(self, dtype)
    method.__name__ = name
    method.__doc__ = f"self as {dtype.name} (a copy; self itself when it is {dtype.name} already)."
    return method


def type_as(self, other):
    """self in other's dtype."""
    return to_dtype(self, other.dtype)


to_dtype_op = OpDef(
    name="to_dtype", forward=_forward, backward=_backward, saves_inputs=False,
    onnx=Onnx(emit=lambda e, x, dtype: e.cast(x, dtype)),
    infer=lambda x, dtype: Spec(x.shape, dtype),
    variants=Variants(methods={"float": _as(_dt.float32, "float"), "double": _as(_dt.float64, "double"),
                               "half": _as(_dt.float16, "half"), "long": _as(_dt.int64, "long"),
                               "int": _as(_dt.int32, "int"), "bool": _as(_dt.bool_, "bool"), "type_as": type_as}),
    samples=lambda: [Sample((randn(2, 3),), {"dtype": _dt.float32}, grad=False),
                     Sample((randn(3),), {"dtype": _dt.float64})],
    torch_ref=lambda torch, x, dtype: x.to(getattr(torch, dtype.name)), reference=_forward)


def to_dtype(x, dtype):
    """x converted to `dtype` (a unigrad dtype or its name); x itself when it has that dtype.
    Integer and bool results carry no gradient.

    Example::

        >>> ug.to_dtype(ug.tensor([1.7, -1.7]), ug.int64)
        tensor([ 1, -1])
    """
    dtype = _dt.to_dtype(dtype)
    if x._dtype is dtype:
        return x
    out = dispatch(to_dtype_op, (x,), {"dtype": dtype})
    if not dtype.is_floating_point and out.requires_grad:  # integer results carry no gradient
        out = out.detach()
    return out


register(to_dtype_op, public=to_dtype)
