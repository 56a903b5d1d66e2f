"""squeeze: size-1 dims removed, a composite of reshape."""
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim
from .reshape import reshape


def squeeze(input, dim=None):
    """input without its size-1 dims: all of them, or only those among `dim` (an int or a tuple;
    a named dim of another size is kept). A view, as reshape.

    Example::

        >>> x = ug.zeros(2, 1, 3, 1)
        >>> ug.squeeze(x).shape, ug.squeeze(x, 1).shape
        (unigrad.Size([2, 3]), unigrad.Size([2, 3, 1]))
    """
    shape = tuple(input.shape)
    if dim is None:
        new = tuple(s for s in shape if s != 1)
    else:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        dims = {normalize_dim("squeeze", d, len(shape)) for d in dims} if shape else set()
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    return reshape(input, new)


register(OpDef(name="squeeze", impl=squeeze, variants=Variants(methods=("squeeze",)),
               onnx=Onnx(emit=lambda e, input, dim=None: e.squeeze_dims(input, dim)),
               samples=lambda: [Sample((randn(2, 1, 3, 1),), {}), Sample((randn(2, 1, 3),), {"dim": 1})],
               torch_ref=lambda torch, x, dim=None: x.squeeze() if dim is None else x.squeeze(dim)))
