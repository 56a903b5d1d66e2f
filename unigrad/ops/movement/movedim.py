"""movedim: one dim moved to another position, a composite of permute."""
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim
from .permute import permute


def movedim(input, source, destination):
    """input with dim `source` moved to position `destination`, the other dims keeping their
    order. A view, as permute.

    Example::

        >>> ug.movedim(ug.zeros(2, 3, 4), 0, 2).shape
        unigrad.Size([3, 4, 2])
    """
    ndim = input._data.ndim
    src = normalize_dim("movedim", source, ndim)
    dst = normalize_dim("movedim", destination, ndim)
    order = [d for d in range(ndim) if d != src]
    order.insert(dst, src)
    return permute(input, order)


register(OpDef(name="movedim", impl=movedim, variants=Variants(methods=("movedim",)),
               samples=lambda: [Sample((randn(2, 3, 4),), {"source": 0, "destination": 2})],
               torch_ref=lambda torch, x, source, destination: torch.movedim(x, source, destination)))
