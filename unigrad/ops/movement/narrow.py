"""narrow: `length` entries of one dim starting at `start`, a view (a composite of slicing)."""
from ...core.tensor import Tensor
from ...errors import OutOfBoundsError
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim
from .slice import basic_index


def narrow(input, dim, start, length):
    """``input[..., start:start + length, ...]`` along `dim`: a view sharing input's memory.
    start may be negative (counted from the end) or a 0-d integer tensor.

    Example::

        >>> x = ug.arange(12).reshape(3, 4)
        >>> x.narrow(1, 1, 2)
        tensor([[ 1,  2],
                [ 5,  6],
                [ 9, 10]])
        >>> ug.narrow(x, 0, -1, 1)
        tensor([[ 8,  9, 10, 11]])
    """
    d = normalize_dim("narrow", dim, input._data.ndim)
    size = input._data.shape[d]
    start = int(start.item()) if isinstance(start, Tensor) else int(start)
    length = int(length)
    if start < 0:
        start += size
    if not 0 <= start <= size or length < 0 or start + length > size:
        raise OutOfBoundsError(f"narrow: start {start} and length {length} do not fit dim {d} of size {size} "
                               f"(tensor shape {tuple(input.shape)})")
    return basic_index(input, (slice(None),) * d + (slice(start, start + length),))


register(OpDef(name="narrow", impl=narrow, variants=Variants(methods=("narrow",)),
               samples=lambda: [Sample((randn(4, 5), 1, 1, 3)), Sample((randn(4, 5), 0, -2, 2)),
                                Sample((randn(3, 4, 2), 2, 0, 0))],
               torch_ref=lambda torch, x, dim, start, length: torch.narrow(x, dim, start, length)))
