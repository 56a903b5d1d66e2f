"""tensordot, inner, kron, cross, cdist and cartesian_prod: products and distances with torch's
names, composites of einsum, broadcasting and reductions."""
import string

import numpy as np

from ...errors import InvalidArgumentError, ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim


def tensordot(a, b, dims=2):
    """The sum of products over a's last `dims` dims and b's first (an int), or over the dims
    listed in ``dims = (dims_a, dims_b)``, as torch.tensordot.

    Example::

        >>> ug.tensordot(ug.ones(2, 3, 4), ug.ones(3, 4, 5)).shape
        unigrad.Size([2, 5])
        >>> ug.tensordot(ug.ones(2, 3), ug.ones(3, 2), dims=([1], [0]))
        tensor([[3., 3.],
                [3., 3.]])
    """
    if isinstance(dims, int):
        if dims < 0 or dims > min(a.ndim, b.ndim):
            raise InvalidArgumentError(f"tensordot: dims={dims} must be in [0, {min(a.ndim, b.ndim)}]")
        da, db = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        da, db = ([d] if isinstance(d, int) else list(d) for d in dims)
    da = [normalize_dim("tensordot", d, a.ndim) for d in da]
    db = [normalize_dim("tensordot", d, b.ndim) for d in db]
    if len(da) != len(db) or any(a.shape[i] != b.shape[j] for i, j in zip(da, db)):
        raise ShapeError(f"tensordot: contracted dims {da} of {tuple(a.shape)} and {db} of {tuple(b.shape)} differ")
    letters = iter(string.ascii_letters)
    sa = [next(letters) for _ in range(a.ndim)]
    sb = [next(letters) for _ in range(b.ndim)]
    for i, j in zip(da, db):
        sb[j] = sa[i]
    out = [c for i, c in enumerate(sa) if i not in da] + [c for j, c in enumerate(sb) if j not in db]
    return F.einsum(f"{''.join(sa)},{''.join(sb)}->{''.join(out)}", a, b)


def inner(input, other):
    """The sum of products over the last dims of both (a number times a tensor for 0-d ones), as
    torch.inner.

    Example::

        >>> ug.inner(ug.tensor([1.0, 2.0]), ug.tensor([[1.0, 0.0], [0.0, 1.0]]))
        tensor([1., 2.])
    """
    if input.ndim == 0 or other.ndim == 0:
        return F.mul(input, other)
    return tensordot(input, other, ([-1], [-1]))


def kron(input, other):
    """The Kronecker product: every element of input times the whole of other, laid out in
    blocks (torch.kron).

    Example::

        >>> ug.kron(ug.tensor([[1, 2], [3, 4]]), ug.ones(1, 2, dtype=ug.int64))
        tensor([[1, 1, 2, 2],
                [3, 3, 4, 4]])
    """
    n = max(input.ndim, other.ndim)
    a = F.reshape(input, (1,) * (n - input.ndim) + tuple(input.shape))
    b = F.reshape(other, (1,) * (n - other.ndim) + tuple(other.shape))
    a_shape = [s for d in a.shape for s in (d, 1)]
    b_shape = [s for d in b.shape for s in (1, d)]
    product = F.mul(F.reshape(a, tuple(a_shape)), F.reshape(b, tuple(b_shape)))
    return F.reshape(product, tuple(x * y for x, y in zip(a.shape, b.shape)))


def cross(input, other, dim=None):
    """The cross product of 3-vectors along dim (None: the first dim of size 3, as torch.cross;
    torch.linalg.cross uses -1), broadcasting.

    Example::

        >>> ug.cross(ug.tensor([1.0, 0.0, 0.0]), ug.tensor([0.0, 1.0, 0.0]))
        tensor([0., 0., 1.])
    """
    a, b = F.broadcast_tensors(input, other)
    if dim is None:
        dim = next((i for i, s in enumerate(a.shape) if s == 3), None)
        if dim is None:
            raise ShapeError(f"cross: no dim of size 3 in shape {tuple(a.shape)}")
    d = normalize_dim("cross", dim, a.ndim)
    if a.shape[d] != 3:
        raise ShapeError(f"cross: dim {d} must have size 3, got shape {tuple(a.shape)}")
    ax, ay, az = F.unbind(a, d)
    bx, by, bz = F.unbind(b, d)
    return F.stack([F.sub(F.mul(ay, bz), F.mul(az, by)), F.sub(F.mul(az, bx), F.mul(ax, bz)),
                    F.sub(F.mul(ax, by), F.mul(ay, bx))], d)


def cdist(x1, x2, p=2.0, compute_mode=None):
    """The p-norm distances between each row of x1 (*, P, M) and each row of x2 (*, R, M), as
    a (*, P, R) tensor (torch.cdist); the gradient at a zero distance is 0, as torch's.

    Example::

        >>> ug.cdist(ug.tensor([[0.0, 0.0], [3.0, 4.0]]), ug.tensor([[0.0, 0.0]]))
        tensor([[0.],
                [5.]])
    """
    if x1.ndim < 2 or x2.ndim < 2 or x1.shape[-1] != x2.shape[-1]:
        raise ShapeError(f"cdist: expected (*, P, M) and (*, R, M), got {tuple(x1.shape)} and {tuple(x2.shape)}")
    diff = F.abs(F.sub(F.unsqueeze(x1, -2), F.unsqueeze(x2, -3)))
    if p == float("inf"):
        return F.amax(diff, dim=-1)
    if p == 0:
        return F.sum(F.to_dtype(F.ne(diff, 0.0), x1.dtype), dim=-1)
    if p == 1:
        return F.sum(diff, dim=-1)
    total = F.sum(F.pow(diff, p) if p != 2 else F.mul(diff, diff), dim=-1)
    zero = F.eq(total, 0.0)
    root = F.pow(F.where(zero, F.ones_like(total), total), 1.0 / p)
    return F.where(zero, F.zeros_like(root), root)


def cartesian_prod(*tensors):
    """Every combination of one element from each 1-D tensor, as rows (torch.cartesian_prod).

    Example::

        >>> ug.cartesian_prod(ug.tensor([1, 2]), ug.tensor([3, 4]))
        tensor([[1, 3],
                [1, 4],
                [2, 3],
                [2, 4]])
    """
    if len(tensors) == 1:
        return tensors[0]
    grids = F.meshgrid(*tensors, indexing="ij")
    return F.stack([F.reshape(g, (-1,)) for g in grids], 1)


register(OpDef(name="tensordot", impl=tensordot,
               samples=lambda: [Sample((randn(2, 3, 4), randn(3, 4, 5, seed=1))),
                                Sample((randn(2, 3), randn(3, 2, seed=1)), {"dims": ([1], [0])}),
                                Sample((randn(4, 2, 3), randn(3, 5, 4, seed=1)), {"dims": ([0, 2], [2, 0])}),
                                Sample((randn(2, 3), randn(4, seed=1)), {"dims": 0})],
               torch_ref=lambda torch, a, b, dims=2: torch.tensordot(a, b, dims)))
register(OpDef(name="inner", impl=inner, variants=Variants(methods=("inner",)),
               samples=lambda: [Sample((randn(3, 4), randn(2, 4, seed=1))), Sample((randn(4), randn(4, seed=1)))],
               torch_ref=lambda torch, a, b: torch.inner(a, b)))
register(OpDef(name="kron", impl=kron, variants=Variants(methods=("kron",)),
               samples=lambda: [Sample((randn(2, 3), randn(2, 2, seed=1))), Sample((randn(3), randn(2, 2, seed=1)))],
               torch_ref=lambda torch, a, b: torch.kron(a, b)))
register(OpDef(name="cross", impl=cross, variants=Variants(methods=("cross",)),
               samples=lambda: [Sample((randn(4, 3), randn(4, 3, seed=1))), Sample((randn(3, 2), randn(3, 2, seed=1)), {"dim": 0})],
               torch_ref=lambda torch, a, b, dim=None: torch.cross(a, b, dim=dim if dim is not None else
                                                                 next(i for i, s in enumerate(a.shape) if s == 3))))
register(OpDef(name="cdist", impl=cdist,
               samples=lambda: [Sample((randn(4, 3), randn(5, 3, seed=1))), Sample((randn(2, 4, 3), randn(2, 2, 3, seed=1)), {"p": 1.0}),
                                Sample((randn(3, 2), randn(4, 2, seed=1)), {"p": 3.0}),
                                Sample((randn(3, 2), randn(4, 2, seed=1)), {"p": float("inf")})],
               torch_ref=lambda torch, a, b, p=2.0: torch.cdist(a, b, p)))
register(OpDef(name="cartesian_prod", impl=cartesian_prod,
               samples=lambda: [Sample((randn(3), randn(2, seed=1))), Sample((randn(2), randn(2, seed=1), randn(3, seed=2)))],
               torch_ref=lambda torch, *xs: torch.cartesian_prod(*xs)))
