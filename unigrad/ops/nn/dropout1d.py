"""dropout1d: whole 1-d feature maps zeroed at random, a composite over feature_dropout."""
from ...errors import InvalidArgumentError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .feature_dropout import feature_dropout


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Channel-wise dropout of a (N, C, L) input (or an unbatched (C, L) one): each channel
    zeroed with probability p, the others scaled by 1 / (1 - p), as PyTorch's dropout1d.
    inplace is accepted; the result is a new tensor.

    Example::

        >>> y = ug.dropout1d(ug.ones(4, 8, 5), 0.5)
        >>> bool(((y == 0).all(dim=2) | (y == 2).all(dim=2)).all())
        True
    """
    if input.ndim not in (2, 3):
        raise InvalidArgumentError(f"dropout1d: expected a 2-D (C, L) or 3-D (N, C, L) input, got shape "
                                   f"{tuple(input.shape)}")
    if input.ndim == 2:
        return F.squeeze(feature_dropout(F.unsqueeze(input, 0), p, training), 0)
    return feature_dropout(input, p, training)


register(OpDef(name="dropout1d", impl=lambda x, p=0.5, training=True: dropout1d(x, p, training),
               variants=Variants(functional=True),
               samples=lambda: [Sample((randn(2, 3, 4),), {"p": 0.5, "training": False}),
                                Sample((randn(3, 4),), {"p": 0.0})],
               torch_ref=lambda torch, x, p=0.5, training=True: torch.nn.functional.dropout1d(x, p, training)),
         public=dropout1d)
