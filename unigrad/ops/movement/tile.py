"""tile, diag_embed, diagflat, vander and logspace: torch's remaining constructions from tensors,
composites of repeat, eye, pad, pow and linspace."""
import numpy as np

from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim


def tile(input, dims):
    """input repeated dims[i] times along each dim (dims shorter than input's rank count from the
    last dim; longer ones add leading dims), as torch.tile.

    Example::

        >>> ug.tile(ug.tensor([1, 2]), (2, 2))
        tensor([[1, 2, 1, 2],
                [1, 2, 1, 2]])
    """
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(dims) < input.ndim:
        dims = (1,) * (input.ndim - len(dims)) + dims
    return F.repeat(input, *dims)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Square matrices (in dims dim1, dim2 of the result) with input's last dim on their offset-th
    diagonal, zeros elsewhere (torch.diag_embed).

    Example::

        >>> ug.diag_embed(ug.tensor([[1.0, 2.0]]))
        tensor([[[1., 0.],
                 [0., 2.]]])
    """
    n, k = input.shape[-1], abs(offset)
    square = F.mul(F.unsqueeze(input, -2), F.eye(n, dtype=input.dtype, device=input.device))
    if k:
        square = F.pad(square, (k, 0, 0, k) if offset > 0 else (0, k, k, 0))
    nd = input.ndim + 1
    d1, d2 = normalize_dim("diag_embed", dim1, nd), normalize_dim("diag_embed", dim2, nd)
    if (d1, d2) == (nd - 2, nd - 1):
        return square
    order = [None] * nd
    order[d1], order[d2] = nd - 2, nd - 1
    rest = iter(range(nd - 2))
    return F.permute(square, tuple(next(rest) if o is None else o for o in order))


def diagflat(input, offset=0):
    """The flattened input on the offset-th diagonal of a square matrix (torch.diagflat).

    Example::

        >>> ug.diagflat(ug.tensor([[1, 2]]))
        tensor([[1, 0],
                [0, 2]])
    """
    return F.diag(F.reshape(input, (-1,)), offset)


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of the 1-D x: columns x ** (N-1), ..., x, 1 (reversed with
    increasing), as torch.vander.

    Example::

        >>> ug.vander(ug.tensor([1, 2, 3]), N=3)
        tensor([[1, 1, 1],
                [4, 2, 1],
                [9, 3, 1]])
    """
    if x.ndim != 1:
        raise ShapeError(f"vander: x must be 1-D, got shape {tuple(x.shape)}")
    n = x.shape[0] if N is None else N
    powers = np.arange(n) if increasing else np.arange(n)[::-1]
    if not n:
        return F.zeros(x.shape[0], 0, dtype=x.dtype, device=x.device)
    cols = [F.ones_like(x) if p == 0 else (x if p == 1 else F.pow(x, int(p))) for p in powers]
    return F.stack(cols, 1)


def logspace(start, end, steps, base=10.0, dtype=None, device=None, requires_grad=False):
    """steps numbers from base ** start to base ** end, evenly spaced in the exponent (torch.logspace).

    Example::

        >>> ug.logspace(0, 2, 3)
        tensor([  1.,  10., 100.])
    """
    exps = F.linspace(start, end, steps, dtype=dtype, device=device)
    out = F.pow(float(base), exps)
    return out.requires_grad_() if requires_grad else out


register(OpDef(name="tile", impl=tile, variants=Variants(methods=("tile",)),
               samples=lambda: [Sample((randn(2, 3), (2, 1))), Sample((randn(3), (2, 2))), Sample((randn(2, 2, 2), (3,)))],
               torch_ref=lambda torch, x, d: torch.tile(x, d)))
register(OpDef(name="diag_embed", impl=diag_embed, variants=Variants(methods=("diag_embed",)),
               samples=lambda: [Sample((randn(2, 3),)), Sample((randn(2, 3),), {"offset": 1}),
                                Sample((randn(2, 3),), {"offset": -2, "dim1": 0, "dim2": 2})],
               torch_ref=lambda torch, x, **kw: torch.diag_embed(x, **kw)))
register(OpDef(name="diagflat", impl=diagflat, variants=Variants(methods=("diagflat",)),
               samples=lambda: [Sample((randn(2, 2),)), Sample((randn(3),), {"offset": -1})],
               torch_ref=lambda torch, x, **kw: torch.diagflat(x, **kw)))
# (torch 2.13's vander fails in its own backward, so there is no gradient to compare with; ours comes from pow)
register(OpDef(name="vander", impl=vander,
               samples=lambda: [Sample((randn(4),), {"N": 3}, grad=False), Sample((randn(3),), {"increasing": True}, grad=False)],
               torch_ref=lambda torch, x, **kw: torch.vander(x, **kw)))
register(OpDef(name="logspace", impl=logspace,
               samples=lambda: [Sample((0.0, 2.0, 5), grad=False), Sample((-1.0, 1.0, 4), {"base": 2.0}, grad=False)],
               torch_ref=lambda torch, a, b, n, **kw: torch.logspace(a, b, n, **kw)))
