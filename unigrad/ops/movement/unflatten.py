"""unflatten: one dim split into several, a composite of reshape."""
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim
from .reshape import reshape


def unflatten(input, dim, sizes):
    """input with dim `dim` split into dims of the given sizes, whose product is its size (one
    may be -1). A view, as reshape.

    Example::

        >>> ug.unflatten(ug.zeros(2, 12), 1, (3, 4)).shape
        unigrad.Size([2, 3, 4])
    """
    shape = tuple(input.shape)
    d = normalize_dim("unflatten", dim, len(shape))
    return reshape(input, shape[:d] + tuple(sizes) + shape[d + 1:])


register(OpDef(name="unflatten", impl=unflatten, variants=Variants(methods=("unflatten",)),
               samples=lambda: [Sample((randn(2, 6, 3),), {"dim": 1, "sizes": (2, 3)}),
                                Sample((randn(4, 6),), {"dim": -1, "sizes": (3, -1)})],
               torch_ref=lambda torch, x, dim, sizes: x.unflatten(dim, sizes)))
