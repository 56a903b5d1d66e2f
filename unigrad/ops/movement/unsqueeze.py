"""unsqueeze: a size-1 dim inserted, a composite of reshape."""
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim
from .reshape import reshape


def unsqueeze(input, dim):
    """input with a new size-1 dim at position `dim` of the result (-1: last). A view, as reshape.

    Example::

        >>> x = ug.zeros(2, 3)
        >>> ug.unsqueeze(x, 0).shape, ug.unsqueeze(x, -1).shape
        (unigrad.Size([1, 2, 3]), unigrad.Size([2, 3, 1]))
    """
    shape = tuple(input.shape)
    d = normalize_dim("unsqueeze", dim, len(shape) + 1)
    return reshape(input, shape[:d] + (1,) + shape[d:])


register(OpDef(name="unsqueeze", impl=unsqueeze, variants=Variants(methods=("unsqueeze",)),
               onnx=Onnx(emit=lambda e, input, dim: e.unsqueeze(input, [dim])),
               samples=lambda: [Sample((randn(2, 3),), {"dim": 1}), Sample((randn(2, 3),), {"dim": -1})],
               torch_ref=lambda torch, x, dim: x.unsqueeze(dim)))
