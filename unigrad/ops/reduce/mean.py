"""mean: the mean of the elements over any set of dims."""
from ...errors import DtypeError
from .. import api as F
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Variants, register
from .common import axes_of, count, expand_back, reduce_attrs, reduce_infer, reduce_samples


def _forward(xp, x, dim=None, keepdim=False):
    return xp.asarray(x.mean(axis=axes_of(x, dim), keepdims=keepdim))


def _backward(ctx, g):
    x = ctx.inputs[0]
    dim = ctx.attrs.get("dim")
    n = count(tuple(x.shape), dim)
    return (expand_back(F, F.div(g, float(max(n, 1))), x, dim, ctx.attrs.get("keepdim", False)),)


mean_op = OpDef(
    name="mean", forward=_forward, backward=_backward, infer=reduce_infer("mean"), saves_inputs=False,
    onnx=Onnx(emit=lambda e, x, dim=None, keepdim=False: e.reduce("ReduceMean", x, e.axes(dim), keepdim)),
    variants=Variants(methods=("mean",)),
    samples=lambda: [s for s in reduce_samples() if s.inputs[0].size],
    torch_ref=lambda torch, x, dim=None, keepdim=False: x.mean() if dim is None else x.mean(dim, keepdim=keepdim),
    reference=_forward)


def mean(input, dim=None, keepdim=False, dtype=None):
    """The mean of input's elements over `dim` (an int, a tuple of ints, or None for all of them).

    Args:
        keepdim: keep each reduced dim with size 1, so that the result broadcasts against input.
        dtype: convert input to this dtype first; without it input must be floating point.

    Example::

        >>> x = ug.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> ug.mean(x)
        tensor(2.5)
        >>> x.mean(dim=1)
        tensor([1.5, 3.5])
    """
    if dtype is not None:
        input = F.to_dtype(input, dtype)
    elif not input._dtype.is_floating_point:
        raise DtypeError(f"mean: input dtype must be floating point, got {input._dtype}; "
                         "cast it with .float() first")
    return dispatch(mean_op, (input,), reduce_attrs(dim, keepdim))


register(mean_op, public=mean)
