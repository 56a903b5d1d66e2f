"""What the indexing ops share (slice, index, index_grad, index_put, gather, scatter, scatter_add, getitem).

An index is split into a spec (ints, slices, None, Ellipsis, and Slot(i) placeholders) plus the
index tensors, which travel as op inputs so graphs and devices see them like any operand.
"""
import numpy as np

from ...core.tensor import Tensor, as_tensor
from ...errors import OutOfBoundsError
from .. import api as F

MANY = tuple(range(1, 64))  # every input after the first: the index tensors, never differentiated


class Slot:
    """Placeholder in an index spec for the i-th index tensor."""
    __slots__ = ("i",)

    def __init__(self, i):
        self.i = i

    def __repr__(self):
        return f"Slot({self.i})"

    def __eq__(self, other):
        return isinstance(other, Slot) and other.i == self.i

    def __hash__(self):
        return hash(("Slot", self.i))


def split_index(index, device):
    """A user's index (what goes between the brackets of x[...]) as (spec, index tensors)."""
    if not isinstance(index, tuple):
        index = (index,)
    spec, tensors = [], []
    for item in index:
        if isinstance(item, range):  # a sequence of ints, as torch reads it
            item = np.arange(item.start, item.stop, item.step, dtype=np.int64)
        if isinstance(item, (Tensor, list, np.ndarray)):
            t = item if isinstance(item, Tensor) else as_tensor(item, device=device)
            if t._dtype.category == 2:
                raise OutOfBoundsError(f"tensors used as indices must be integer or bool, got {t._dtype}")
            spec.append(Slot(len(tensors)))
            tensors.append(t)
        elif isinstance(item, (bool, np.bool_)):
            raise OutOfBoundsError("indexing with a Python bool is not supported; use a bool tensor")
        elif isinstance(item, (int, np.integer)):
            spec.append(int(item))
        elif item is None or item is Ellipsis or isinstance(item, slice):
            spec.append(item)
        else:
            raise OutOfBoundsError(f"unsupported index element of type {type(item).__name__}: use ints, slices, "
                             "None, Ellipsis, or integer/bool tensors")
    return tuple(spec), tensors


def build_index(xp, spec, arrays):
    """The array-library index of a spec, its Slots filled from `arrays` (a mask becomes its nonzero())."""
    out = []
    for item in spec:
        if isinstance(item, Slot):
            a = arrays[item.i]
            if a.dtype == bool:
                out.extend(a.nonzero())  # a k-dim mask stands for k integer index arrays
            else:
                out.append(a)
        else:
            out.append(item)
    return tuple(out)


def plain_index(spec, arrays):
    """The index with tensors substituted as they are (no mask expansion): for torch oracles."""
    return tuple(arrays[item.i] if isinstance(item, Slot) else item for item in spec)


def check_bounds(x_shape, spec):
    """Raise OutOfBoundsError for an int in the spec outside its dim of x_shape."""
    dim = 0
    for item in spec:
        if isinstance(item, int) and not isinstance(item, bool):
            if dim >= len(x_shape) or not -x_shape[dim] <= item < x_shape[dim]:
                size = x_shape[dim] if dim < len(x_shape) else "none"
                raise OutOfBoundsError(f"index {item} is out of bounds for dim {dim} with size {size} "
                                 f"(tensor shape {tuple(x_shape)})")
        if item is Ellipsis:
            dim = len(x_shape) - sum(1 for s in spec[spec.index(item) + 1:] if s is not None)
            continue
        if item is not None:
            dim += 1


def add_at(xp, out, key, values):
    """out[key] += values, with repeated positions in key each adding (np.add.at, cupyx.scatter_add)."""
    if xp is np:
        np.add.at(out, key, values)
    else:
        import cupyx
        cupyx.scatter_add(out, key, values)


def along(xp, index, dim):
    """Full integer index tuple addressing `index` positions along `dim` (gather, scatter_add)."""
    grids = xp.ogrid[tuple(slice(0, s) for s in index.shape)] if index.ndim else []
    key = list(grids)
    key[dim] = index
    return tuple(key)


def scattered_src_grad(g, dim, index, src):
    """The gradient of scatter's and scatter_add's src: g gathered at index, zero-padded up to
    src's shape (src may be larger than index; its extra elements are not read)."""
    gsrc = F.gather(g, dim, index)
    if tuple(gsrc.shape) != tuple(src.shape):
        gsrc = F.pad(gsrc, [p for s_src, s_idx in zip(reversed(src.shape), reversed(index.shape))
                            for p in (0, s_src - s_idx)])
    return gsrc
