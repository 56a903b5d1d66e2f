"""scatter_add: input with src added at positions `index` along one dim (torch.scatter_add)."""
import numpy as np

from ..dispatch import dispatch
from ..registry import Compiled, Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, normalize_dim
from .indexing import add_at, along, scattered_src_grad


def _forward(xp, x, index, src, dim, unique=False):
    out = x.copy()
    src = src[tuple(slice(0, s) for s in index.shape)]
    key = along(xp, index, dim)
    if unique:
        out[key] += src  # no repeated positions: plain fancy-index add is exact and much faster
    else:
        add_at(xp, out, key, src)
    return out


def _backward(ctx, g):
    x, index, src = ctx.inputs
    gsrc = scattered_src_grad(g, ctx.attrs["dim"], index, src) if ctx.needs_input_grad(2) else None
    return g, None, gsrc


scatter_add_op = OpDef(
    name="scatter_add", forward=_forward, backward=_backward, nondiff_inputs=(1,),
    onnx=Onnx(emit=lambda e, x, index, src, dim, unique=False: e.scatter_add(x, index, src, dim), opset=16),
    compiled=Compiled(fresh=True),
    infer=lambda x, index, src, dim, unique=False: Spec(x.shape, x.dtype),
    variants=Variants(methods=("scatter_add",), inplace=("scatter_add_",)),
    samples=lambda: [Sample((randn(3, 4), np.array([[0, 3, 3], [1, 1, 1], [2, 0, 1]]), randn(3, 3, seed=1)),
                            {"dim": 1}),
                     Sample((randn(3, 4), np.array([[0, 1, 2, 0]]), randn(1, 4, seed=2)), {"dim": 0})],
    torch_ref=lambda torch, x, index, src, dim, unique=False: torch.scatter_add(x, dim, index, src),
    reference=lambda np, x, index, src, dim, unique=False: _forward(np, x, index, src, dim))


def scatter_add(input, dim, index, src):
    """input with ``src[i][j]`` added at ``[index[i][j]][j]`` for dim 0, ``[i][index[i][j]]`` for
    dim 1, and so on (repeated positions each add), as torch.scatter_add: the adjoint of gather.

    index is an integer tensor of input's number of dims; src is at least index's shape (its
    part of index's shape is used).

    Example::

        >>> ug.scatter_add(ug.zeros(3), 0, ug.tensor([0, 2, 0]), ug.tensor([1.0, 2.0, 3.0]))
        tensor([4., 0., 2.])
    """
    dim = normalize_dim("scatter_add", dim, input._data.ndim)
    return dispatch(scatter_add_op, (input, index, src), {"dim": dim})


register(scatter_add_op, public=scatter_add)
