"""What the reductions share: their shape rule and attrs, the broadcast of a reduced gradient back
to the input's shape, the (values, indices) result of max/min/sort/topk, and the conformance samples
of sum/mean and var/std."""
from ..registry import Sample
from ..sampling import randn
from ..spec import Spec, normalize_dims


class ValuesIndices(tuple):
    """(values, indices) with names, like torch.return_types.max, sort and topk."""
    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]


def reduced_shape(shape, axes, keepdim):
    if keepdim:
        return tuple(1 if i in axes else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in axes)


def reduce_infer(name, out_dtype=None):
    def infer(x, dim=None, keepdim=False, **attrs):
        axes = normalize_dims(name, dim, len(x.shape))
        return Spec(reduced_shape(x.shape, axes, keepdim), out_dtype or x.dtype)
    return infer


def reduce_attrs(dim, keepdim):
    """The attrs of a reduction call: dim (a list becomes a tuple) and keepdim, each only when given."""
    attrs = {}
    if dim is not None:
        attrs["dim"] = tuple(dim) if isinstance(dim, list) else dim
    if keepdim:
        attrs["keepdim"] = True
    return attrs


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


def reduce_samples():
    """All dims, one dim, several with keepdim, a negative dim, an empty input and a 0-d one."""
    return [Sample((randn(3, 4),), {}), Sample((randn(3, 4),), {"dim": 1}),
            Sample((randn(2, 3, 4),), {"dim": (0, 2), "keepdim": True}), Sample((randn(2, 3),), {"dim": -1}),
            Sample((randn(0, 3),), {"dim": 0}), Sample((randn(()),), {})]


def var_samples():
    return [Sample((randn(3, 4),), {}), Sample((randn(3, 4),), {"dim": 1}),
            Sample((randn(2, 3, 4),), {"dim": (0, 2), "keepdim": True, "correction": 0})]


def torch_var(fn):
    """The PyTorch reference of var, std or var_mean (torch.<fn>)."""
    def ref(torch, x, dim=None, keepdim=False, correction=1, unbiased=None):
        return getattr(torch, fn)(x, dim=dim, keepdim=keepdim, correction=correction)
    return ref
