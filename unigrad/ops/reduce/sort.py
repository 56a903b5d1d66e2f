"""sort: the values along a dim in order and the positions they came from (argsort is its second
output); the gradient goes back to those positions."""
import numpy as np

from ...backend import dtypes as _dt
from .. import api as F
from ..dispatch import dispatch
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, normalize_dim
from .common import ValuesIndices


def order(xp, x, axis, descending):
    """Stable positions sorting x along axis; descending keeps equal elements in their order too
    (sorting the reversed array ascending and reversing back)."""
    if not descending:
        return xp.argsort(x, axis=axis, kind="stable")
    n = x.shape[axis]
    rev = xp.flip(xp.argsort(xp.flip(x, axis), axis=axis, kind="stable"), axis)
    return n - 1 - rev


def _forward(xp, x, dim, descending=False, stable=False):
    if x.ndim == 0:
        return x.copy(), xp.zeros((), dtype=xp.int64)
    idx = order(xp, x, dim, descending)
    return xp.take_along_axis(x, idx, axis=dim), idx.astype(xp.int64)


def _backward(ctx, g, _gi=None):
    x = ctx.inputs[0]
    if x.ndim == 0:
        return (g,)
    return (F.scatter_add(F.zeros_like(x), ctx.attrs["dim"], ctx.output(1), g),)


def _infer(x, dim, descending=False, stable=False):
    normalize_dim("sort", dim, max(len(x.shape), 1))
    return Spec(x.shape, x.dtype), Spec(x.shape, _dt.int64)


sort_op = OpDef(
    name="sort", forward=_forward, backward=_backward, infer=_infer, n_outputs=2, saves_outputs=True,
    variants=Variants(methods=("sort",)),
    samples=lambda: [Sample((randn(3, 5),), {"dim": 1}), Sample((randn(4, 3),), {"dim": 0, "descending": True}),
                     Sample((np.array([[2.0, 1.0, 2.0, 0.5, 1.0]]),), {"dim": 1, "stable": True}, name="ties", grad=False),
                     Sample((np.array([[2.0, 1.0, 2.0, 0.5, 1.0]]),), {"dim": 1, "descending": True, "stable": True}, grad=False,
                            name="ties_descending"),
                     Sample((randn(2, 0),), {"dim": 1}), Sample((np.asarray(randn(())),), {"dim": 0})],
    torch_ref=lambda torch, x, dim, descending=False, stable=False: tuple(
        torch.sort(x, dim=dim, descending=descending, stable=stable)),
    reference=_forward)


def sort(input, dim=-1, descending=False, stable=False):
    """The elements of input along dim in ascending (or descending) order, and the indices they
    came from: a (values, indices) pair, also ``.values`` and ``.indices`` (torch.sort). The sort
    is always stable (equal elements keep their order); NaN sorts as the largest value.

    Example::

        >>> values, indices = ug.sort(ug.tensor([3.0, 1.0, 2.0]))
        >>> values, indices
        (tensor([1., 2., 3.]), tensor([1, 2, 0]))
        >>> ug.tensor([[1, 3, 2]]).sort(descending=True).indices
        tensor([[1, 2, 0]])
    """
    d = normalize_dim("sort", dim, max(input.ndim, 1)) if input.ndim else 0
    return ValuesIndices(dispatch(sort_op, (input,), {"dim": d, "descending": bool(descending), "stable": bool(stable)}))


register(sort_op, public=sort)


def msort(input):
    """input sorted along its first dim, ascending (torch.msort): sort(input, dim=0)'s values.

    Example::

        >>> ug.msort(ug.tensor([[3.0, 1.0], [2.0, 4.0]]))
        tensor([[2., 1.],
                [3., 4.]])
    """
    return sort(input, dim=0).values


register(OpDef(name="msort", impl=msort, variants=Variants(methods=("msort",)),
               samples=lambda: [Sample((randn(4, 3),)), Sample((randn(5),))],
               torch_ref=lambda torch, x: torch.msort(x)))
