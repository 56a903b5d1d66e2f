"""Static shapes of TF1 graph tensors, where dimensions may be unknown (None), as TF infers them
when the graph is built (so `x.shape`, `get_shape().as_list()` work before anything runs)."""
import math

from ...errors import ShapeError


def broadcast(name, a, b):
    """TF's broadcast of two partially known shapes; None when a rank is unknown."""
    if a is None or b is None:
        return None
    out = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x == 1:
            out.append(y)
        elif y == 1 or y is None:
            out.append(x)
        elif x is None or x == y:
            out.append(y)
        else:
            raise ShapeError(f"{name}: shapes {_show(a)} and {_show(b)} do not broadcast (dimension {x} vs {y})")
    return tuple(reversed(out))


def reduce(shape, axis, keepdims):
    if shape is None:
        return None
    if axis is None:
        return tuple(1 for _ in shape) if keepdims else ()
    axes = {a % len(shape) for a in (axis if isinstance(axis, (tuple, list)) else (axis,))}
    return tuple(1 if i in axes else d for i, d in enumerate(shape) if keepdims or i not in axes)


def reshape(name, in_shape, shape):
    shape = tuple(shape)
    if -1 not in shape:
        return shape
    known = [d for d in shape if d != -1]
    if in_shape is None or None in in_shape:
        return tuple(None if d == -1 else d for d in shape)
    total, rest = math.prod(in_shape), math.prod(known)
    if rest == 0 or total % rest:
        raise ShapeError(f"{name}: cannot reshape {_show(in_shape)} ({total} elements) into {shape}")
    return tuple(total // rest if d == -1 else d for d in shape)


def permute(shape, perm):
    if shape is None:
        return None
    perm = tuple(reversed(range(len(shape)))) if perm is None else tuple(perm)
    return tuple(shape[p] for p in perm)


def concat(shapes, axis):
    if any(s is None for s in shapes):
        return None
    axis %= len(shapes[0])
    sizes = [s[axis] for s in shapes]
    out = list(shapes[0])
    out[axis] = None if None in sizes else sum(sizes)
    return tuple(out)


def stack(shapes, axis):
    if any(s is None for s in shapes):
        return None
    axis %= len(shapes[0]) + 1
    return tuple(shapes[0][:axis]) + (len(shapes),) + tuple(shapes[0][axis:])


def _show(shape):
    return "(" + ", ".join("?" if d is None else str(d) for d in shape) + ")"
