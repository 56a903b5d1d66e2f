"""Parameter initialisers with PyTorch's names and formulas (all in place, without grad), on any
tensor: parameters, plain tensors, tensors that require grad, views."""
import math
import warnings

import numpy as np

from ..core.grad_mode import no_grad
from ..core.tensor import tensor as _tensor
from ..ops import api as F
from ..errors import InvalidArgumentError


def calculate_gain(nonlinearity, param=None):
    gains = {"linear": 1.0, "conv1d": 1.0, "conv2d": 1.0, "conv3d": 1.0, "conv_transpose1d": 1.0,
             "conv_transpose2d": 1.0, "conv_transpose3d": 1.0, "sigmoid": 1.0,
             "tanh": 5.0 / 3, "relu": math.sqrt(2.0), "selu": 3.0 / 4}
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity not in gains:
        raise InvalidArgumentError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")
    return gains[nonlinearity]


def _calculate_fan_in_and_fan_out(tensor):
    if tensor.ndim < 2:
        raise InvalidArgumentError(f"fan in/out need a tensor with at least 2 dims, got shape {tuple(tensor.shape)}")
    receptive = 1
    for s in tensor.shape[2:]:
        receptive *= s
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fan(tensor, mode):
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    if mode not in ("fan_in", "fan_out"):
        raise InvalidArgumentError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def constant_(tensor, val):
    with no_grad():
        return tensor.fill_(val)


def zeros_(tensor):
    return constant_(tensor, 0.0)


def ones_(tensor):
    return constant_(tensor, 1.0)


def eye_(tensor):
    with no_grad():
        return tensor.copy_(F.eye(*tensor.shape, dtype=tensor.dtype, device=tensor.device))


def xavier_uniform_(tensor, gain=1.0, generator=None):
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode)), generator)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """N(mean, std) restricted to [a, b]: draws outside are drawn again (the same distribution as
    torch's inverse-CDF sampling, not its values)."""
    if not a < b:
        raise InvalidArgumentError(f"trunc_normal_: need a < b, got a={a}, b={b}")
    with no_grad():
        out = F.empty(*tensor.shape, dtype=tensor.dtype, device=tensor.device).normal_(mean, std, generator=generator)
        for _ in range(100):  # each round keeps at least the in-range share of what is left
            bad = F.logical_or(F.lt(out, a), F.gt(out, b))
            if not bool(bad.any()):
                break
            fresh = F.empty(*tensor.shape, dtype=tensor.dtype, device=tensor.device).normal_(mean, std,
                                                                                          generator=generator)
            out = F.where(bad, fresh, out)
        return tensor.copy_(F.clamp(out, a, b))


def orthogonal_(tensor, gain=1.0, generator=None):
    """A (semi-)orthogonal matrix (Saxe et al.): the Q of a Gaussian matrix's QR, signs fixed by R's
    diagonal as torch; dims after the first are flattened."""
    if tensor.ndim < 2:
        raise InvalidArgumentError(f"orthogonal_: needs a tensor with at least 2 dims, got shape {tuple(tensor.shape)}")
    rows = tensor.shape[0]
    cols = tensor.numel() // rows if rows else 0
    with no_grad():
        flat = F.empty(rows, cols, dtype=tensor.dtype, device=tensor.device).normal_(0.0, 1.0, generator=generator)
        flat = flat.cpu().numpy().astype(np.float64)
        flat = flat.T if rows < cols else flat
        q, r = np.linalg.qr(flat)
        q = q * np.sign(np.diag(r))
        q = q.T if rows < cols else q
        return tensor.copy_(F.reshape(_tensor(q * gain, dtype=tensor.dtype, device=tensor.device), tensor.shape))


def dirac_(tensor, groups=1):
    """The identity of a convolution: zeros, with a 1 at the centre of each kernel linking input
    channel i to output channel i (in each of `groups`)."""
    if tensor.ndim not in (3, 4, 5):
        raise InvalidArgumentError(f"dirac_: only 3, 4 or 5-dim tensors, got shape {tuple(tensor.shape)}")
    if tensor.shape[0] % groups:
        raise InvalidArgumentError(f"dirac_: dim 0 ({tensor.shape[0]}) must be divisible by groups={groups}")
    out_per_group = tensor.shape[0] // groups
    value = np.zeros(tuple(tensor.shape), dtype=tensor.dtype.np)
    centre = tuple(s // 2 for s in tensor.shape[2:])
    for g in range(groups):
        for d in range(min(out_per_group, tensor.shape[1])):
            value[(g * out_per_group + d, d) + centre] = 1
    with no_grad():
        return tensor.copy_(_tensor(value, device=tensor.device))


def sparse_(tensor, sparsity, std=0.01, generator=None):
    """A 2-D tensor drawn from N(0, std) with ceil(sparsity * rows) zeros in each column, at random rows."""
    if tensor.ndim != 2:
        raise InvalidArgumentError(f"sparse_: only 2-dim tensors, got shape {tuple(tensor.shape)}")
    rows, cols = tensor.shape
    zeros = int(math.ceil(sparsity * rows))
    with no_grad():
        tensor.normal_(0.0, std, generator=generator)
        for c in range(cols):
            idx = F.randperm(rows, generator=generator)[:zeros]
            tensor[idx, c] = 0
        return tensor


def _deprecated(fn):
    """torch's old names without the underscore (nn.init.xavier_uniform), which warn and call the new one."""
    def old(*args, **kwargs):
        warnings.warn(f"nn.init.{fn.__name__[:-1]} is now deprecated in favor of nn.init.{fn.__name__}.",
                      FutureWarning, stacklevel=2)
        return fn(*args, **kwargs)
    old.__name__ = fn.__name__[:-1]
    old.__doc__ = f"Deprecated: nn.init.{fn.__name__}."
    return old


uniform, normal, constant = _deprecated(uniform_), _deprecated(normal_), _deprecated(constant_)
xavier_uniform, xavier_normal = _deprecated(xavier_uniform_), _deprecated(xavier_normal_)
kaiming_uniform, kaiming_normal = _deprecated(kaiming_uniform_), _deprecated(kaiming_normal_)
orthogonal, sparse = _deprecated(orthogonal_), _deprecated(sparse_)
