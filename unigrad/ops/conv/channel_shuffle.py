"""channel_shuffle: the channels of (N, C, *) regrouped as ShuffleNet does (reshape, transpose)."""
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn


def channel_shuffle(input, groups):
    """(N, g * k, *) viewed as (N, g, k, *), the two channel dims swapped, and flattened back, as
    torch.channel_shuffle.

    Example::

        >>> ug.channel_shuffle(ug.arange(4.0).reshape(1, 4, 1), 2).flatten()
        tensor([0., 2., 1., 3.])
    """
    if input.ndim < 3 or input.shape[1] % groups:
        raise ShapeError(f"channel_shuffle: expected (N, C, *) with C divisible by groups={groups}, got "
                         f"{tuple(input.shape)}")
    n, c = input.shape[:2]
    rest = tuple(input.shape[2:])
    x = F.reshape(input, (n, groups, c // groups) + rest)
    return F.reshape(F.transpose(x, 1, 2), (n, c) + rest)


register(OpDef(name="channel_shuffle", impl=channel_shuffle, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(2, 6, 3, 3), 3)), Sample((randn(1, 4, 5), 2))],
               torch_ref=lambda torch, x, g: torch.channel_shuffle(x, g)))
