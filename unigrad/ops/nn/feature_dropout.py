"""feature_dropout: whole channels zeroed at random (dim 1 of (N, C, *)), the rest scaled by
1 / (1 - p): what dropout1d, dropout2d and dropout3d run, a composite over bernoulli."""
from ...errors import InvalidArgumentError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn


def feature_dropout(input, p=0.5, train=True):
    """Each (sample, channel) slice ``input[n, c]`` zeroed with probability p, the others scaled by
    1 / (1 - p) (PyTorch's ``feature_dropout``); input itself when not training or p is 0. The
    masks are drawn with ``ug.bernoulli``, one per sample and channel.

    Example::

        >>> y = ug.feature_dropout(ug.ones(4, 6, 2), 0.5)
        >>> sorted(set(y.flatten().tolist())) <= [0.0, 2.0], bool((y[:, :, 0] == y[:, :, 1]).all())
        (True, True)
        >>> ug.feature_dropout(ug.ones(2, 3), 0.5, train=False).tolist()
        [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    """
    if not 0.0 <= p <= 1.0:
        raise InvalidArgumentError(f"dropout probability must be in [0, 1], got {p}")
    if not train or p == 0.0:
        return input
    if p == 1.0:
        return F.mul(input, 0.0)
    if input.ndim < 2:
        raise InvalidArgumentError(f"feature_dropout: input must be (N, C, *) with at least 2 dims, got shape "
                                   f"{tuple(input.shape)}")
    probs = F.zeros(*(tuple(input.shape[:2]) + (1,) * (input.ndim - 2)), dtype=input.dtype, device=input.device)
    mask = F.bernoulli(probs, p=1.0 - p)
    return F.mul(input, F.mul(mask, 1.0 / (1.0 - p)))


register(OpDef(name="feature_dropout", impl=lambda x, p=0.5, train=True: feature_dropout(x, p, train),
               samples=lambda: [Sample((randn(2, 3, 4),), {"p": 0.5, "train": False}),
                                Sample((randn(2, 3),), {"p": 0.0})],
               torch_ref=lambda torch, x, p=0.5, train=True: torch.feature_dropout(x, p, train)),
         public=feature_dropout)
