"""gather: the values of input at positions `index` along one dim (torch.gather)."""
import numpy as np

from ...errors import ShapeError
from .. import api as F
from ..dispatch import dispatch
from ..registry import Compiled, Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, normalize_dim
from .indexing import along


def _forward(xp, x, index, dim):
    return xp.take_along_axis(x, index, axis=dim) if index.shape[:dim] + index.shape[dim + 1:] == \
        x.shape[:dim] + x.shape[dim + 1:] else x[along(xp, index, dim)]


def _backward(ctx, g):
    return F.scatter_add(F.zeros_like(ctx.inputs[0]), ctx.attrs["dim"], ctx.inputs[1], g), None


def _infer(x, index, dim):
    d = normalize_dim("gather", dim, len(x.shape))
    if len(index.shape) != len(x.shape) or any(index.shape[i] > x.shape[i] for i in range(len(x.shape)) if i != d):
        raise ShapeError(f"op 'gather': index shape {index.shape} does not fit input shape {x.shape} along dim {dim}")
    return Spec(index.shape, x.dtype)


gather_op = OpDef(
    name="gather", forward=_forward, nondiff_inputs=(1,), infer=_infer, compiled=Compiled(fresh=True),
    onnx=Onnx("GatherElements", attrs=lambda dim: {"axis": dim}),
    backward=_backward, variants=Variants(methods=("gather",)),
    samples=lambda: [Sample((randn(3, 4), np.array([[0, 3], [1, 1], [2, 0]])), {"dim": 1}),
                     Sample((randn(3, 4), np.array([[0, 1, 2, 0], [2, 2, 1, 0]])), {"dim": 0})],
    torch_ref=lambda torch, x, index, dim: torch.gather(x, dim, index),
    reference=lambda np, x, index, dim: x[along(np, index, dim)])


def gather(input, dim, index):
    """``out[i][j] = input[index[i][j]][j]`` for dim 0, ``input[i][index[i][j]]`` for dim 1, and
    so on, as torch.gather.

    index is an integer tensor with input's number of dims, no larger than input outside `dim`;
    the result has index's shape.

    Example::

        >>> x = ug.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> ug.gather(x, 1, ug.tensor([[0, 0], [1, 0]]))
        tensor([[1., 1.],
                [4., 3.]])
    """
    dim = normalize_dim("gather", dim, input._data.ndim)
    return dispatch(gather_op, (input, index), {"dim": dim})


register(gather_op, public=gather)
