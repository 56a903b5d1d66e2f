"""prod: the product of the elements over any set of dims, with a gradient exact at zeros."""
from ...backend import dtypes as _dt
from .. import api as F
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import positive, randn
from .common import axes_of, expand_back, reduce_attrs, reduce_infer


def _forward(xp, x, dim=None, keepdim=False):
    return xp.asarray(x.prod(axis=axes_of(x, dim), keepdims=keepdim))


def _backward(ctx, g):
    """d prod / d x_i = product of the others; exact also when some x are zero."""
    x = ctx.inputs[0]
    dim, keepdim = ctx.attrs.get("dim"), ctx.attrs.get("keepdim", False)
    is_zero = F.eq(x, 0)
    nonzero = F.where(is_zero, F.ones_like(x), x)
    prod_nonzero = F.prod(nonzero, dim=dim, keepdim=True)
    zeros = F.sum(F.to_dtype(is_zero, _dt.int64), dim=dim, keepdim=True)
    others = F.where(is_zero, F.where(F.eq(zeros, 1), prod_nonzero, F.zeros_like(prod_nonzero)),
                     F.where(F.gt(zeros, 0), F.zeros_like(prod_nonzero), F.div(prod_nonzero, nonzero)))
    return (F.mul(expand_back(F, g, x, dim, keepdim), others),)


def _samples():
    z = positive(3, 4)
    z[1, 2] = 0.0
    zz = positive(3, 4, seed=2)
    zz[0, 0] = zz[0, 3] = 0.0
    # with zeros the first-order gradient is exact; its own gradient at the zeros is not (documented)
    return [Sample((positive(3, 4),), {}), Sample((randn(3, 4),), {"dim": 1}), Sample((z,), {"dim": 1}, double=False),
            Sample((zz,), {"dim": 1, "keepdim": True}, double=False)]


prod_op = OpDef(
    name="prod", forward=_forward, backward=_backward, infer=reduce_infer("prod"),
    onnx=Onnx(emit=lambda e, x, dim=None, keepdim=False: e.reduce("ReduceProd", x, e.axes(dim), keepdim)),
    variants=Variants(methods=("prod",)),
    samples=_samples,
    torch_ref=lambda torch, x, dim=None, keepdim=False: x.prod() if dim is None else x.prod(dim, keepdim=keepdim),
    reference=_forward)


def prod(input, dim=None, keepdim=False, dtype=None):
    """The product of input's elements over `dim` (an int, a tuple of ints, or None for all of them).

    The gradient of each element is the product of the others, exact also where some are zero
    (its own gradient, the second order, is not exact at the zeros).

    Args:
        keepdim: keep each reduced dim with size 1, so that the result broadcasts against input.
        dtype: convert input to this dtype first.

    Example::

        >>> x = ug.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        >>> ug.prod(x)
        tensor(720.)
        >>> x.prod(dim=1)
        tensor([  6., 120.])
    """
    if dtype is not None:
        input = F.to_dtype(input, dtype)
    return dispatch(prod_op, (input,), reduce_attrs(dim, keepdim))


register(prod_op, public=prod)
