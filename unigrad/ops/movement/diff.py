"""diff: the n-th forward difference along a dim, optionally after prepending/appending values
(torch.diff), as a composite of slicing and subtraction."""
from ...errors import InvalidArgumentError, ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """``out[i] = input[i + 1] - input[i]`` along dim, n times; prepend/append (tensors whose other
    dims match input's) are concatenated first. Bool tensors give ``!=`` of neighbours, as torch.

    Example::

        >>> ug.diff(ug.tensor([1, 3, 6, 10]))
        tensor([2, 3, 4])
        >>> ug.diff(ug.tensor([1.0, 3.0, 6.0]), n=2, prepend=ug.tensor([0.0]))
        tensor([1., 1.])
    """
    if input.ndim == 0:
        raise ShapeError("diff expects input to be at least one-dimensional")
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise InvalidArgumentError(f"diff: order n must be a non-negative int, got {n!r}")
    d = normalize_dim("diff", dim, input.ndim)
    parts = [t if t.ndim else F.broadcast_to(t, tuple(input.shape[:d]) + (1,) + tuple(input.shape[d + 1:]))
             for t in (prepend, input, append) if t is not None]
    x = F.cat(parts, d) if len(parts) > 1 else input
    for _ in range(n):
        length = x.shape[d]
        later, earlier = F.narrow(x, d, 1, max(length - 1, 0)), F.narrow(x, d, 0, max(length - 1, 0))
        x = F.ne(later, earlier) if x.dtype.name == "bool" else F.sub(later, earlier)
    return x


register(OpDef(name="diff", impl=diff, variants=Variants(methods=("diff",)),
               samples=lambda: [Sample((randn(6),)), Sample((randn(3, 5),), {"n": 2, "dim": 0}),
                                Sample((randn(3, 4), 1, 1, randn(3, 2, seed=1), randn(3, 1, seed=2)),
                                       name="prepend and append"),
                                Sample((randn(4, 3),), {"n": 0})],
               torch_ref=lambda torch, x, n=1, dim=-1, prepend=None, append=None: torch.diff(x, n, dim, prepend,
                                                                                           append)))
