"""What the unary elementwise ops share: the shape rule (the input's) and conformance samples."""
import numpy as np

from ..registry import Sample
from ..sampling import away_from, positive, randn
from ..spec import Spec


def same_infer(x, **attrs):
    """The input's shape and dtype."""
    return Spec(x.shape, x.dtype)


def any_samples():
    """Any real inputs: 2-d, 0-d, empty, strided."""
    return [Sample((randn(3, 4),)), Sample((randn(()),)), Sample((randn(0, 2),)), Sample((randn(4, 3).T,))]


def positive_samples():
    """Inputs in [0.5, 2] (log, sqrt)."""
    return [Sample((positive(3, 4),)), Sample((positive(()),)), Sample((positive(4, 3).T,))]


def inside_unit_samples():
    """Inputs in (-0.9, 0.9), inside the domain of asin, acos and atanh and away from its ends."""
    return [Sample((np.tanh(randn(3, 4)) * 0.9,)), Sample((np.asarray(np.tanh(randn(())) * 0.9),)),
            Sample((randn(0, 2),)),
            Sample((np.tanh(randn(4, 3)).T * 0.9,))]


def kink_samples():
    """Inputs kept away from 0, where abs and sign bend (finite differences stay valid)."""
    return [Sample((away_from(3, 4),)), Sample((away_from(5, seed=3),))]
