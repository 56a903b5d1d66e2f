"""masked_select: the elements of input where a bool mask (broadcast against it) is true, as a
1-D tensor (a composite of broadcasting and a bool index)."""
from ...backend import dtypes as _dt
from ...errors import InvalidTypeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import broadcast_shapes


def masked_select(input, mask):
    """The elements of input where mask is true, in row-major order, as a new 1-D tensor
    (torch.masked_select); input and mask broadcast against each other.

    Example::

        >>> x = ug.tensor([[1.0, -2.0], [3.0, -4.0]])
        >>> ug.masked_select(x, x > 0)
        tensor([1., 3.])
        >>> x.masked_select(ug.tensor([True, False]))
        tensor([1., 3.])
    """
    if mask.dtype is not _dt.bool_:
        raise InvalidTypeError(f"masked_select: mask must be a bool tensor, got {mask.dtype}")
    shape = broadcast_shapes("masked_select", tuple(input.shape), tuple(mask.shape))
    if tuple(input.shape) != shape:
        input = F.broadcast_to(input, shape)
    if tuple(mask.shape) != shape:
        mask = F.broadcast_to(mask, shape)
    return F.reshape(input[mask], (-1,))


register(OpDef(name="masked_select", impl=masked_select, variants=Variants(methods=("masked_select",)),
               samples=lambda: [Sample((randn(3, 4), randn(3, 4, seed=1) > 0)),
                                Sample((randn(3, 4), randn(4, seed=2) > 0)),
                                Sample((randn(4, 1), randn(2, 4, 3, seed=3) > 0))],
               torch_ref=lambda torch, x, mask: torch.masked_select(x, mask)))
