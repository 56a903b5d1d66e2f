"""Dropout modules under torch.nn.modules.dropout: Dropout (elementwise) and Dropout1d/2d/3d,
which zero whole channels (feature maps) as the functional dropout1d/2d/3d do."""
from ...errors import InvalidArgumentError
from ...ops import api as F
from .module import Module
from .sparse_dropout import Dropout

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout"]


class _DropoutNd(Module):
    _fn = None

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise InvalidArgumentError(f"{type(self).__name__}: p must be in [0, 1], got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input):
        return getattr(F, self._fn)(input, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(_DropoutNd):
    """In training, zeroes each channel of a (N, C, L) or (C, L) input with probability p (the whole
    length-L signal) and scales the others by 1 / (1 - p); the input itself in eval mode.
    inplace is accepted; the result is a new tensor.

    Shape:
        - Input: ``(N, C, L) or (C, L)``.
        - Output: the input's shape.

    Example::

        >>> y = ug.nn.Dropout1d(0.5)(ug.ones(4, 8, 5))
        >>> bool(((y == 0).all(dim=2) | (y == 2).all(dim=2)).all())
        True
    """
    _fn = "dropout1d"


class Dropout2d(_DropoutNd):
    """In training, zeroes each channel of a (N, C, H, W) or (C, H, W) input with probability p
    (the whole feature map) and scales the others by 1 / (1 - p); the input itself in eval mode.

    Shape:
        - Input: ``(N, C, H, W) or (C, H, W)``.
        - Output: the input's shape.

    Example::

        >>> m = ug.nn.Dropout2d(p=0.2)
        >>> m
        Dropout2d(p=0.2, inplace=False)
        >>> x = ug.ones(2, 3, 4, 4)
        >>> m.eval()(x) is x
        True
    """
    _fn = "dropout2d"


class Dropout3d(_DropoutNd):
    """In training, zeroes each channel of a (N, C, D, H, W) or (C, D, H, W) input with
    probability p and scales the others by 1 / (1 - p); the input itself in eval mode.

    Shape:
        - Input: ``(N, C, D, H, W) or (C, D, H, W)``.
        - Output: the input's shape.

    Example::

        >>> y = ug.nn.Dropout3d(0.5)(ug.ones(2, 4, 2, 2, 2))
        >>> bool(((y == 0).all(dim=(2, 3, 4)) | (y == 2).all(dim=(2, 3, 4))).all())
        True
    """
    _fn = "dropout3d"


class AlphaDropout(_DropoutNd):
    """Dropout that keeps SELU's self-normalising mean and variance (F.alpha_dropout): in training
    dropped units take SELU's saturation value and an affine map restores the moments; the input
    itself in eval mode (torch.nn.AlphaDropout).

    Shape:
        - Input: ``(*)``, any shape.
        - Output: the input's shape.

    Example::

        >>> m = ug.nn.AlphaDropout(0.2)
        >>> x = ug.randn(3)
        >>> m, m.eval()(x) is x
        (AlphaDropout(p=0.2, inplace=False), True)
    """
    _fn = "alpha_dropout"
