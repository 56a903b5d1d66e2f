"""index_select: the entries of input at positions `index` along one dim, a composite of getitem."""
import numpy as np

from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim
from .getitem import getitem


def index_select(input, dim, index):
    """The entries of input at the positions in the 1-d integer tensor `index` along `dim`, in
    that order (repeats allowed): a new tensor whose dim `dim` has len(index) entries.

    Example::

        >>> x = ug.arange(6).reshape(2, 3)
        >>> ug.index_select(x, 1, ug.tensor([2, 0, 0]))
        tensor([[2, 0, 0],
                [5, 3, 3]])
    """
    d = normalize_dim("index_select", dim, input._data.ndim)
    return getitem(input, (slice(None),) * d + (index,))


register(OpDef(name="index_select", impl=index_select, variants=Variants(methods=("index_select",)),
               onnx=Onnx(emit=lambda e, input, dim, index: e.node("Gather", [input, index], axis=int(dim))),
               samples=lambda: [Sample((randn(4, 5), 1, np.array([4, 0, 0])), {})],
               torch_ref=lambda torch, x, dim, index: torch.index_select(x, dim, index)))
