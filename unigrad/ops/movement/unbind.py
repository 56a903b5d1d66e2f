"""unbind: a tensor as the tuple of its slices along one dim, a composite of getitem (views)."""
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim


def unbind(input, dim=0):
    """The slices of input along `dim`, that dim removed: a tuple of input.shape[dim] views.

    Example::

        >>> ug.unbind(ug.arange(4).reshape(2, 2), dim=1)
        (tensor([0, 2]), tensor([1, 3]))
    """
    d = normalize_dim("unbind", dim, input._data.ndim)
    return tuple(F.getitem(input, (slice(None),) * d + (i,)) for i in range(input.shape[d]))


register(OpDef(name="unbind", impl=unbind, variants=Variants(methods=("unbind",)),
               onnx=Onnx(emit=lambda e, input, dim=0: e.unbind(input, dim)),
               samples=lambda: [Sample((randn(3, 4),), {}), Sample((randn(2, 3, 4),), {"dim": 1})],
               torch_ref=lambda torch, x, dim=0: torch.unbind(x, dim)))
