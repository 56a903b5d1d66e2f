"""Shape/dtype specs used by infer rules, plus shared shape helpers."""
from ..errors import ShapeError


class Spec:
    __slots__ = ("shape", "dtype")

    def __init__(self, shape, dtype):
        self.shape = tuple(shape)
        self.dtype = dtype

    def __repr__(self):
        return f"Spec({self.shape}, {self.dtype})"

    def __eq__(self, other):
        return isinstance(other, Spec) and self.shape == other.shape and self.dtype is other.dtype


def broadcast_shapes(op_name, *shapes):
    ndim = max((len(s) for s in shapes), default=0)
    out = []
    for i in range(ndim):
        size = 1
        for s in shapes:
            d = s[i - ndim + len(s)] if i - ndim + len(s) >= 0 else 1
            if d != 1:
                if size != 1 and d != size:
                    raise ShapeError(f"op '{op_name}': shapes {' and '.join(str(tuple(s)) for s in shapes)} "
                                     f"do not broadcast (dimension {i - ndim}: {size} vs {d})")
                size = d
        out.append(size)
    return tuple(out)


def normalize_dim(op_name, dim, ndim):
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise ShapeError(f"op '{op_name}': dim {dim} is out of range for a tensor with {ndim} dims")
    return dim % ndim if ndim else 0


def normalize_dims(op_name, dim, ndim):
    """None -> all dims; int or sequence -> sorted tuple of non-negative dims."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, int):
        dim = (dim,)
    return tuple(sorted(normalize_dim(op_name, d, ndim) for d in dim))


def broadcast_shapes_of(op_name, *specs):
    return broadcast_shapes(op_name, *(s.shape for s in specs))


def numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def elementwise_flops(inputs, outputs, attrs):
    """One operation per output element."""
    return numel(outputs[0].shape)


def same_shape(node):
    """Whether a graph node's result has its first input's shape (for Compiled.identity/may_alias)."""
    return node.inputs[0].shape == node.outputs[0].shape
