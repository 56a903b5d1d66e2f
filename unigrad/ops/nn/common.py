"""What the nn ops share: softmax's dimension rule and conformance samples, and the per-channel
broadcast shape and affine step of the normalisations."""
from .. import api as F
from ..operands import as_float_tensor
from ..registry import Sample
from ..sampling import randn
from ..spec import normalize_dim


def softmax_input(input, dtype):
    """input as a floating tensor, or converted to `dtype` first when one is given."""
    return as_float_tensor(input) if dtype is None else F.to_dtype(input, dtype)


def softmax_dim(x, dim):
    """The dimension softmax runs over: `dim` normalised, or PyTorch's legacy rule for None."""
    if dim is None:  # PyTorch's legacy rule
        dim = 0 if x.ndim in (0, 1, 3) else 1
    return normalize_dim("softmax", dim, x.ndim) if x.ndim else 0


def softmax_samples():
    return [Sample((randn(3, 5),), {"dim": 1}), Sample((randn(2, 3, 4) * 5,), {"dim": 0}),
            Sample((randn(4, 3).T,), {"dim": -1})]


def channel_shape(x):
    """(1, C, 1, ...): a per-channel vector's shape broadcasting against x (N, C, ...)."""
    return (1, x.shape[1]) + (1,) * (x.ndim - 2)


def channel_affine(out, weight, bias):
    """out * weight + bias with (C,) weight and bias (each may be None) applied per channel of out
    (N, C, ...): the normalisations' last step."""
    shape = channel_shape(out)
    if weight is not None:
        out = F.mul(out, F.reshape(weight, shape))
    if bias is not None:
        out = F.add(out, F.reshape(bias, shape))
    return out
