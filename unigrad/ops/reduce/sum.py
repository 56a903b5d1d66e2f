"""sum: the sum of the elements over any set of dims."""
from .. import api as F
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Variants, register
from .common import axes_of, expand_back, reduce_attrs, reduce_infer, reduce_samples


def _forward(xp, x, dim=None, keepdim=False):
    out = x.sum(axis=axes_of(x, dim), keepdims=keepdim)
    if x.dtype.kind in "bi" and x.dtype != xp.int64:  # integer sums accumulate in int64, as in PyTorch
        out = out.astype(xp.int64)
    return xp.asarray(out)


def _backward(ctx, g):
    return (expand_back(F, g, ctx.inputs[0], ctx.attrs.get("dim"), ctx.attrs.get("keepdim", False)),)


sum_op = OpDef(
    name="sum", forward=_forward, backward=_backward, infer=reduce_infer("sum"), saves_inputs=False,
    onnx=Onnx(emit=lambda e, x, dim=None, keepdim=False: e.reduce("ReduceSum", x, e.axes(dim), keepdim)),
    variants=Variants(methods=("sum",)),
    samples=reduce_samples,
    torch_ref=lambda torch, x, dim=None, keepdim=False: x.sum() if dim is None else x.sum(dim, keepdim=keepdim),
    reference=_forward)


def sum(input, dim=None, keepdim=False, dtype=None):
    """The sum of input's elements over `dim` (an int, a tuple of ints, or None for all of them).

    Args:
        keepdim: keep each reduced dim with size 1, so that the result broadcasts against input.
        dtype: convert input to this dtype first. Bool and integer inputs sum in int64.

    Example::

        >>> x = ug.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> ug.sum(x)
        tensor(10.)
        >>> x.sum(dim=1, keepdim=True)
        tensor([[3.],
                [7.]])
        >>> ug.tensor([True, True, False]).sum()
        tensor(2)
    """
    if dtype is not None:
        input = F.to_dtype(input, dtype)
    return dispatch(sum_op, (input,), reduce_attrs(dim, keepdim))


register(sum_op, public=sum)
