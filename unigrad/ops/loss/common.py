"""What the losses share: PyTorch's reductions, the checks of targets against inputs, the class
dim moved last, and the targets and probabilities of their conformance samples."""
import numpy as np

from ...errors import InvalidArgumentError, OutOfBoundsError, ShapeError
from .. import api as F
from ..sampling import rng


def reduce_loss(loss, reduction, name):
    """The per-element loss reduced as `reduction` says: "mean", "sum" or "none"."""
    if reduction == "mean":
        return F.mean(loss)
    if reduction == "sum":
        return F.sum(loss)
    if reduction == "none":
        return loss
    raise InvalidArgumentError(f"{name}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def class_dim_last(x):
    """(N, C, d1, ...) -> (N*d1*..., C) so the class dim is last."""
    if x.ndim <= 2:
        return x
    return F.reshape(F.movedim(x, 1, -1), (-1, x.shape[1]))


def check_targets(input, target, name):
    """Class-index targets have input's shape without the class dim (dim 1)."""
    expected = (input.shape[0],) + tuple(input.shape[2:]) if input.ndim >= 2 else ()
    if tuple(target.shape) != expected:
        raise ShapeError(f"{name}: input of shape {tuple(input.shape)} needs class-index targets of shape "
                         f"{expected}, got {tuple(target.shape)}")


def check_class_targets(target, classes, ignore_index, name):
    """Class indices must lie in [0, classes) unless they are ignore_index (NumPy arrays only:
    on a GPU the check would wait for the device). Returns True when no entry is ignore_index
    (as far as it checked: False on a GPU)."""
    if not isinstance(target, np.ndarray) or not target.size:
        return isinstance(target, np.ndarray)
    low, high = target.min(), target.max()
    if low >= 0 and high < classes:  # the common case, in two reductions
        return not low <= ignore_index <= high or not (target == ignore_index).any()
    bad = (target != ignore_index) & ((target < 0) | (target >= classes))
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise OutOfBoundsError(f"{name}: target {int(target[where])} at position {where} is out of bounds for "
                               f"{classes} classes (use ignore_index={ignore_index} for entries to skip)")
    return False


def check_same(input, target, name):
    if tuple(input.shape) != tuple(target.shape):
        raise ShapeError(f"{name}: input shape {tuple(input.shape)} and target shape {tuple(target.shape)} differ")


def class_targets(n, c, seed=0, ignore=None):
    """Sample class indices in [0, c) of shape n, the first one `ignore` when given."""
    t = rng(seed).integers(0, c, size=n)
    if ignore is not None:
        t[0] = ignore
    return t


def probs(*shape, seed=0):
    """Sample probabilities away from 0 and 1."""
    return rng(seed).uniform(0.05, 0.95, size=shape)
