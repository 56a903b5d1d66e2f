"""scatter: input with src (or a value) written at positions `index` along one dim
(torch.scatter; one-hot rows are its common use). Where index repeats a position, one of the
writes wins (torch leaves which one unspecified)."""
import numpy as np

from .. import api as F
from ..dispatch import dispatch
from ..registry import Compiled, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, normalize_dim
from .indexing import along, scattered_src_grad
from ...core.tensor import Tensor
from ...errors import InvalidArgumentError


def _forward(xp, x, index, src, dim):
    out = x.copy()
    out[along(xp, index, dim)] = src[tuple(slice(0, s) for s in index.shape)]
    return out


def _backward(ctx, g):
    x, index, src = ctx.inputs
    dim = ctx.attrs["dim"]
    gx = scatter(g, dim, index, 0.0) if ctx.needs_input_grad(0) else None  # written-over places get nothing
    gsrc = scattered_src_grad(g, dim, index, src) if ctx.needs_input_grad(2) else None
    return gx, None, gsrc


scatter_op = OpDef(
    name="scatter", forward=_forward, backward=_backward, nondiff_inputs=(1,), compiled=Compiled(fresh=True),
    infer=lambda x, index, src, dim: Spec(x.shape, x.dtype),
    variants=Variants(methods=("scatter",), inplace=("scatter_",)),
    samples=lambda: [Sample((randn(3, 4), np.array([[0, 3], [1, 2], [2, 0]]), randn(3, 2, seed=1)), {"dim": 1}),
                     Sample((randn(3, 4), np.array([[0, 1, 2, 0]]), randn(1, 4, seed=2)), {"dim": 0})],
    torch_ref=lambda torch, x, index, src, dim: torch.scatter(x, dim, index, src),
    reference=_forward)


def scatter(input, dim, index, src=None, value=None, reduce=None):
    """input with ``src[i][j]`` (or ``value``) written at ``[index[i][j]][j]`` for dim 0,
    ``[i][index[i][j]]`` for dim 1, and so on, as torch.scatter; gather's inverse placement.
    ``src`` may be a number (torch's ``scatter(dim, index, value)``). For reductions use
    scatter_add or scatter_reduce.

    Example::

        >>> ug.zeros(2, 4).scatter(1, ug.tensor([[1], [3]]), 1.0)
        tensor([[0., 1., 0., 0.],
                [0., 0., 0., 1.]])
    """
    if reduce is not None:
        raise InvalidArgumentError(f"scatter: reduce={reduce!r} is deprecated in torch; use scatter_reduce(input, dim, "
                                   "index, src, 'sum' or 'prod')")
    if src is None:
        src = value
    if src is None:
        raise InvalidArgumentError("scatter: give src (a tensor) or value (a number)")
    dim = normalize_dim("scatter", dim, input._data.ndim)
    if not isinstance(src, Tensor):
        src = F.full(tuple(index.shape), src, dtype=input.dtype, device=input.device)
    elif src.dtype is not input.dtype:
        src = F.to_dtype(src, input.dtype)
    return dispatch(scatter_op, (input, index, src), {"dim": dim})


register(scatter_op, public=scatter)
