"""dropout3d: whole 3-d feature maps zeroed at random, a composite over feature_dropout."""
from ...errors import InvalidArgumentError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .feature_dropout import feature_dropout


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Channel-wise dropout of a (N, C, D, H, W) input (or an unbatched (C, D, H, W) one): each channel
    zeroed with probability p, the others scaled by 1 / (1 - p), as PyTorch's dropout3d.
    inplace is accepted; the result is a new tensor.

    Example::

        >>> y = ug.dropout3d(ug.ones(2, 4, 2, 2, 2), 0.5)
        >>> bool(((y == 0).all(dim=(2, 3, 4)) | (y == 2).all(dim=(2, 3, 4))).all())
        True
    """
    if input.ndim not in (4, 5):
        raise InvalidArgumentError(f"dropout3d: expected a 4-D (C, D, H, W) or 5-D (N, C, D, H, W) input, got shape "
                                   f"{tuple(input.shape)}")
    if input.ndim == 4:
        return F.squeeze(feature_dropout(F.unsqueeze(input, 0), p, training), 0)
    return feature_dropout(input, p, training)


register(OpDef(name="dropout3d", impl=lambda x, p=0.5, training=True: dropout3d(x, p, training),
               variants=Variants(functional=True),
               samples=lambda: [Sample((randn(2, 3, 2, 2, 2),), {"p": 0.5, "training": False}),
                                Sample((randn(3, 2, 2, 2),), {"p": 0.0})],
               torch_ref=lambda torch, x, p=0.5, training=True: torch.nn.functional.dropout3d(x, p, training)),
         public=dropout3d)
