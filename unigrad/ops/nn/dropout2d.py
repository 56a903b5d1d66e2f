"""dropout2d: whole 2-d feature maps zeroed at random, a composite over feature_dropout."""
import warnings

from ...errors import InvalidArgumentError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .feature_dropout import feature_dropout


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Channel-wise dropout of a (N, C, H, W) input (or an unbatched (C, H, W) one): each channel
    zeroed with probability p, the others scaled by 1 / (1 - p), as PyTorch's dropout2d.
    inplace is accepted; the result is a new tensor.

    As in PyTorch, a 3-D input is read as (N, C, L) (with a warning) and a 2-D one gets
    ordinary elementwise dropout (with a warning).

    Example::

        >>> y = ug.dropout2d(ug.ones(2, 6, 3, 3), 0.5)
        >>> bool(((y == 0).all(dim=(2, 3)) | (y == 2).all(dim=(2, 3))).all())
        True
    """
    if input.ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and will result "
                      "in an error in a future release. To retain the behavior and silence this warning, please use "
                      "dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D "
                      "inputs).", stacklevel=3)
    elif input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior "
                      "is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This "
                      "behavior will change in a future release to interpret the input as one without a batch "
                      "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please "
                      "switch to using dropout1d instead.", stacklevel=3)
    if input.ndim < 2:
        raise InvalidArgumentError(f"dropout2d: expected a 3-D or 4-D input, got shape {tuple(input.shape)}")
    return feature_dropout(input, p, training)


register(OpDef(name="dropout2d", impl=lambda x, p=0.5, training=True: dropout2d(x, p, training),
               variants=Variants(functional=True),
               samples=lambda: [Sample((randn(2, 3, 4, 4),), {"p": 0.5, "training": False}),
                                Sample((randn(2, 3, 2, 2),), {"p": 0.0})],
               torch_ref=lambda torch, x, p=0.5, training=True: torch.nn.functional.dropout2d(x, p, training)),
         public=dropout2d)
