"""Indexing: x[index] (basic -> view, advanced -> copy), x[index] = v, gather and scatter_add.

An index is split into a spec (ints, slices, None, Ellipsis, and Slot(i) placeholders) plus the
index tensors, which travel as op inputs so graphs and devices see them like any operand.
"""
import numpy as np

from ...core.tensor import Tensor, as_tensor
from ...backend import dtypes as _dt
from ...errors import InvalidTypeError, OutOfBoundsError, ShapeError
from .. import api as F
from ..dispatch import dispatch
from ..registry import Compiled, OpDef, Sample, register
from ..sampling import randn
from ..spec import Spec, normalize_dim

_MANY = tuple(range(1, 64))


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
    if not isinstance(index, tuple):
        index = (index,)
    spec, tensors = [], []
    for item in index:
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


def _check_bounds(x_shape, spec):
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


def _slice_forward(xp, x, index):
    return x[index]


def _index_forward(xp, x, *idx, index):
    return x[build_index(xp, index, idx)]


def _index_grad_forward(xp, g, *idx, shape, index, accumulate):
    out = xp.zeros(shape, dtype=g.dtype)
    key = build_index(xp, index, idx)
    if accumulate:
        _add_at(xp, out, key, g)
    else:
        out[key] = g
    return out


def _add_at(xp, out, key, values):
    if xp is np:
        np.add.at(out, key, values)
    else:
        import cupyx
        cupyx.scatter_add(out, key, values)


def _slice_backward(ctx, g):
    return (dispatch(index_grad_op, (g,), {"shape": tuple(ctx.inputs[0].shape), "index": ctx.attrs["index"],
                                           "accumulate": False}),)


def _index_backward(ctx, g):
    x, *idx = ctx.inputs
    return (dispatch(index_grad_op, (g, *idx), {"shape": tuple(x.shape), "index": ctx.attrs["index"],
                                                "accumulate": True}),) + (None,) * len(idx)


def _index_grad_backward(ctx, gg):
    g, *idx = ctx.inputs
    return (_getitem(gg, ctx.attrs["index"], idx),) + (None,) * len(idx)


def _slice_infer(x, index):
    _check_bounds(x.shape, index)
    probe = np.empty(x.shape, dtype=np.bool_)
    return Spec(probe[index].shape, x.dtype)


def _slice_inverse(base, new, attrs):
    """The base's new value when the slice of it becomes `new` (an in-place update of the view)."""
    return F.index_put(base, attrs["index"], new)


slice_op = register(OpDef(
    name="slice", saves_inputs=False, forward=_slice_forward, backward=_slice_backward, view=True, infer=_slice_infer,
    compiled=Compiled(view_inverse=_slice_inverse),
    samples=lambda: [Sample((randn(4, 5),), {"index": (slice(1, 3), slice(None, None, 2))}),
                     Sample((randn(3, 4, 5),), {"index": (1, Ellipsis, None, slice(-2, None))}),
                     Sample((randn(4, 5),), {"index": (slice(None), 0)})],
    torch_ref=lambda torch, x, index: x[index], reference=lambda np, x, index: x[index]))
index_op = register(OpDef(
    name="index", forward=_index_forward, backward=_index_backward, nondiff_inputs=_MANY, compiled=Compiled(fresh=True),
    samples=lambda: [Sample((randn(5, 3), np.array([0, 2, 2, 4])), {"index": (Slot(0),)}),
                     Sample((randn(4, 5), np.array([[0, 1], [3, 3]]), np.array([1, 4])),
                            {"index": (Slot(0), Slot(1))}),
                     Sample((randn(4, 5), randn(4, 5, seed=3) > 0), {"index": (Slot(0),)}),
                     Sample((randn(3, 4, 5), np.array([2, 0])), {"index": (slice(None), Slot(0), slice(1, 3))})],
    torch_ref=lambda torch, x, *idx, index: x[plain_index(index, idx)],
    reference=lambda np, x, *idx, index: x[build_index(np, index, idx)]))
index_grad_op = register(OpDef(
    name="index_grad", forward=_index_grad_forward, backward=_index_grad_backward, nondiff_inputs=_MANY,
    infer=lambda g, *idx, shape, index, accumulate: Spec(shape, g.dtype),
    samples=lambda: [Sample((randn(4),
                             np.array([0, 2, 2, 1])), {"shape": (3,), "index": (Slot(0),), "accumulate": True}),
                     Sample((randn(2, 5),), {"shape": (4, 5), "index": (slice(1, 3),), "accumulate": False})],
    torch_ref=lambda torch, g, *idx, shape, index, accumulate: torch.zeros(shape, dtype=g.dtype).index_put(
        plain_index(index, idx), g, accumulate=True) if idx else _torch_slice_set(torch, g, shape, index),
    doc="Adjoint of indexing: scatter g into zeros of `shape` (summing repeats when accumulate)."))


def _torch_slice_set(torch, g, shape, index):
    out = torch.zeros(shape, dtype=g.dtype)
    out[index] = g
    return out


def _getitem(x, spec, tensors):
    if tensors:
        return dispatch(index_op, (x, *tensors), {"index": spec})
    return dispatch(slice_op, (x,), {"index": spec})


def getitem(input, index):
    spec, tensors = split_index(index, input._device)
    if not tensors:
        _check_bounds(tuple(input.shape), spec)
    return _getitem(input, spec, tensors)


slice_op.public = lambda x, index: getitem(x, index)
index_op.public = lambda x, *idx, index: _getitem(x, index, list(idx))
index_grad_op.public = lambda g, *idx, **attrs: dispatch(index_grad_op, (g, *idx), attrs)


# ---- x[index] = value as an out-of-place op --------------------------------------------------
def _index_put_forward(xp, x, v, *idx, index, accumulate=False):
    out = x.copy()
    key = build_index(xp, index, idx)
    if accumulate:
        _add_at(xp, out, key, xp.broadcast_to(v, out[key].shape))
    else:
        out[key] = v
    return out


def _index_put_backward(ctx, g):
    x, v, *idx = ctx.inputs
    spec, accumulate = ctx.attrs["index"], ctx.attrs.get("accumulate", False)
    gx = g if accumulate else dispatch(index_put_op, (g, F.zeros((), dtype=g.dtype, device=g.device), *idx),
                                       {"index": spec})
    gv = F.sum_to(_getitem(g, spec, idx), tuple(v.shape)) if ctx.needs_input_grad(1) else None
    return (gx, gv) + (None,) * len(idx)


index_put_op = register(OpDef(
    name="index_put", forward=_index_put_forward, backward=_index_put_backward, nondiff_inputs=tuple(range(2, 64)),
    compiled=Compiled(fresh=True),
    infer=lambda x, v, *idx, **attrs: Spec(x.shape, x.dtype),
    samples=lambda: [Sample((randn(4, 5), randn(5, seed=1), np.array([0, 2])), {"index": (Slot(0),)}),
                     Sample((randn(4, 5), randn(2, 1, seed=1)), {"index": (slice(1, 3), slice(0, 2))}),
                     Sample((randn(4), randn(3, seed=1), np.array([0, 2, 0])), {"index": (Slot(0),),
                                                                            "accumulate": True})],
    torch_ref=lambda torch, x, v, *idx, index, accumulate=False: _torch_index_put(torch, x, v, idx, index, accumulate)))


def _torch_index_put(torch, x, v, idx, index, accumulate):
    if idx:
        return x.index_put(plain_index(index, idx), v, accumulate=accumulate)
    out = x.clone()
    out[index] = v
    return out


def index_put(input, index, values, accumulate=False):
    """Out-of-place `input[index] = values` (or += when accumulate)."""
    spec, tensors = split_index(index, input._device)
    if not isinstance(values, Tensor):
        values = F.full((), values, dtype=input.dtype, device=input.device)
    elif values._dtype is not input._dtype:
        values = F.to_dtype(values, input._dtype)
    attrs = {"index": spec}
    if accumulate:
        attrs["accumulate"] = True
    return dispatch(index_put_op, (input, values, *tensors), attrs)


index_put_op.public = lambda x, v, *idx, index, accumulate=False: dispatch(
    index_put_op, (x, v, *idx), {"index": index, "accumulate": accumulate})


# ---- gather / scatter_add -------------------------------------------------------------------
def _along(xp, index, dim):
    """Full integer index tuple addressing `index` positions along `dim`."""
    grids = xp.ogrid[tuple(slice(0, s) for s in index.shape)] if index.ndim else []
    key = list(grids)
    key[dim] = index
    return tuple(key)


def _gather_forward(xp, x, index, dim):
    return xp.take_along_axis(x, index, axis=dim) if index.shape[:dim] + index.shape[dim + 1:] == \
        x.shape[:dim] + x.shape[dim + 1:] else x[_along(xp, index, dim)]


def _gather_infer(x, index, dim):
    d = normalize_dim("gather", dim, len(x.shape))
    if len(index.shape) != len(x.shape) or any(index.shape[i] > x.shape[i] for i in range(len(x.shape)) if i != d):
        raise ShapeError(f"op 'gather': index shape {index.shape} does not fit input shape {x.shape} along dim {dim}")
    return Spec(index.shape, x.dtype)


gather_op = register(OpDef(
    name="gather", forward=_gather_forward, nondiff_inputs=(1,), infer=_gather_infer, compiled=Compiled(fresh=True),
    backward=lambda ctx, g: (F.scatter_add(F.zeros_like(ctx.inputs[0]), ctx.attrs["dim"], ctx.inputs[1], g), None),
    samples=lambda: [Sample((randn(3, 4), np.array([[0, 3], [1, 1], [2, 0]])), {"dim": 1}),
                     Sample((randn(3, 4), np.array([[0, 1, 2, 0], [2, 2, 1, 0]])), {"dim": 0})],
    torch_ref=lambda torch, x, index, dim: torch.gather(x, dim, index),
    reference=lambda np, x, index, dim: x[_along(np, index, dim)]))


def _scatter_add_forward(xp, x, index, src, dim, unique=False):
    out = x.copy()
    src = src[tuple(slice(0, s) for s in index.shape)]
    key = _along(xp, index, dim)
    if unique:
        out[key] += src  # no repeated positions: plain fancy-index add is exact and much faster
    else:
        _add_at(xp, out, key, src)
    return out


def _scatter_add_backward(ctx, g):
    x, index, src = ctx.inputs
    gsrc = None
    if ctx.needs_input_grad(2):
        gsrc = F.gather(g, ctx.attrs["dim"], index)
        if tuple(gsrc.shape) != tuple(src.shape):
            gsrc = F.pad(gsrc, [p for s_src, s_idx in zip(reversed(src.shape), reversed(index.shape))
                                for p in (0, s_src - s_idx)])
    return g, None, gsrc


scatter_add_op = register(OpDef(
    name="scatter_add", forward=_scatter_add_forward, backward=_scatter_add_backward, nondiff_inputs=(1,),
    compiled=Compiled(fresh=True),
    infer=lambda x, index, src, dim, unique=False: Spec(x.shape, x.dtype),
    samples=lambda: [Sample((randn(3, 4), np.array([[0, 3, 3], [1, 1, 1], [2, 0, 1]]), randn(3, 3, seed=1)), {"dim": 1}),
                     Sample((randn(3, 4), np.array([[0, 1, 2, 0]]), randn(1, 4, seed=2)), {"dim": 0})],
    torch_ref=lambda torch, x, index, src, dim, unique=False: torch.scatter_add(x, dim, index, src),
    reference=lambda np, x, index, src, dim, unique=False: _scatter_add_forward(np, x, index, src, dim)))


def gather(input, dim, index):
    dim = normalize_dim("gather", dim, input._data.ndim)
    return dispatch(gather_op, (input, index), {"dim": dim})


def scatter_add(input, dim, index, src, _unique=False):
    dim = normalize_dim("scatter_add", dim, input._data.ndim)
    attrs = {"dim": dim}
    if _unique:
        attrs["unique"] = True
    return dispatch(scatter_add_op, (input, index, src), attrs)


gather_op.public = lambda x, index, dim: gather(x, dim, index)
scatter_add_op.public = lambda x, index, src, dim, unique=False: scatter_add(x, dim, index, src, unique)


def index_select(input, dim, index):
    d = normalize_dim("index_select", dim, input._data.ndim)
    return getitem(input, (slice(None),) * d + (index,))


def masked_fill(input, mask, value):
    return F.where(mask, F.full((), value, dtype=input.dtype, device=input.device), input)


def one_hot(tensor, num_classes=-1):
    if tensor._dtype.category != 1:
        raise InvalidTypeError(f"one_hot expects an integer tensor, got {tensor._dtype}")
    if num_classes < 0:
        num_classes = int(tensor.max().item()) + 1
    classes = F.arange(num_classes, device=tensor.device)
    return F.to_dtype(F.eq(F.unsqueeze(tensor, -1), classes), _dt.int64)


register(OpDef(name="index_select", impl=index_select,
               samples=lambda: [Sample((randn(4, 5), 1, np.array([4, 0, 0])), {})],
               torch_ref=lambda torch, x, dim, index: torch.index_select(x, dim, index)))
register(OpDef(name="masked_fill", impl=masked_fill,
               samples=lambda: [Sample((randn(3, 4), randn(3, 4, seed=2) > 0, 2.5), {})],
               torch_ref=lambda torch, x, mask, value: x.masked_fill(mask, value)))
