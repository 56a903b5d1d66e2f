"""transpose: two dims of input swapped, a composite of permute."""
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim
from .permute import permute


def transpose(input, dim0, dim1):
    """input with dims dim0 and dim1 swapped: a view sharing input's memory (input itself for
    fewer than 2 dims and dims 0/-1).

    Example::

        >>> ug.transpose(ug.zeros(2, 3, 4), 0, 2).shape
        unigrad.Size([4, 3, 2])
        >>> ug.zeros(5, 2, 3).mT.shape
        unigrad.Size([5, 3, 2])
    """
    ndim = input._data.ndim
    if ndim < 2 and dim0 in (0, -1) and dim1 in (0, -1):
        return input
    dims = list(range(ndim))
    a, b = normalize_dim("transpose", dim0, ndim), normalize_dim("transpose", dim1, ndim)
    dims[a], dims[b] = dims[b], dims[a]
    return permute(input, dims)


def last_two_swapped(self):
    """self with its last two dims swapped (x.mT): the transpose of each matrix in a batch."""
    return transpose(self, -1, -2)


register(OpDef(name="transpose", impl=transpose,
               onnx=Onnx(emit=lambda e, input, dim0, dim1: e.transpose_dims(input, dim0, dim1)),
               variants=Variants(methods=("transpose",), properties={"mT": last_two_swapped}),
               samples=lambda: [Sample((randn(2, 3, 4),), {"dim0": 0, "dim1": 2})],
               torch_ref=lambda torch, x, dim0, dim1: x.transpose(dim0, dim1)))
