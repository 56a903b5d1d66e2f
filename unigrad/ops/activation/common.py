"""What the activations share: their input conversion and conformance samples."""
from ...core.tensor import Tensor
from ..operands import as_float_tensor
from ..registry import Sample
from ..sampling import away_from, randn


def floating(input):
    """The input as a floating tensor (activations are defined on floats only)."""
    if isinstance(input, Tensor) and input._dtype.category == 2:
        return input
    return as_float_tensor(input)


def kink_samples():
    """Inputs kept away from the kink at 0 (finite differences stay valid)."""
    return [Sample((away_from(3, 4),)), Sample((away_from(2, 3, 5, seed=2),)), Sample((away_from(4, 3, seed=3).T,))]


def smooth_samples():
    return [Sample((randn(3, 4),)), Sample((randn(()),)), Sample((randn(0, 3),))]
