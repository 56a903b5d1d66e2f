"""Shape helpers shared by the reductions."""
from ..spec import Spec, normalize_dims


def reduced_shape(shape, axes, keepdim):
    if keepdim:
        return tuple(1 if i in axes else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in axes)


def reduce_infer(name, out_dtype=None):
    def infer(x, dim=None, keepdim=False, **attrs):
        axes = normalize_dims(name, dim, len(x.shape))
        return Spec(reduced_shape(x.shape, axes, keepdim), out_dtype or x.dtype)
    return infer


def axes_of(x, dim):
    """Normalized reduction axes as a tuple for the array library (None -> all)."""
    if dim is None:
        return None
    if isinstance(dim, int):
        return (dim % x.ndim,) if x.ndim else None
    return tuple(d % x.ndim for d in dim)


def expand_back(F, g, x, dim, keepdim):
    """Broadcast a reduced gradient back to x's shape."""
    if not keepdim and dim is not None and x.ndim:
        axes = normalize_dims("reduce", dim, x.ndim)
        g = F.reshape(g, reduced_shape(tuple(x.shape), axes, True))
    elif not keepdim and dim is None and x.ndim:
        g = F.reshape(g, (1,) * x.ndim)
    return F.broadcast_to(g, tuple(x.shape))


def count(x_shape, dim):
    axes = normalize_dims("reduce", dim, len(x_shape))
    n = 1
    for a in axes:
        n *= x_shape[a]
    return n
