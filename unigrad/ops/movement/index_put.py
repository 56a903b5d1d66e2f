"""index_put: ``x[index] = values`` (or ``+=``) as an out-of-place op, what ``x[index] = v`` writes."""
import numpy as np

from ...core.tensor import Tensor
from .. import api as F
from ..dispatch import dispatch
from ..registry import Compiled, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from .getitem import take
from .indexing import Slot, add_at, build_index, plain_index, split_index


def _forward(xp, x, v, *idx, index, accumulate=False):
    out = x.copy()
    key = build_index(xp, index, idx)
    if accumulate:
        add_at(xp, out, key, xp.broadcast_to(v, out[key].shape))
    else:
        out[key] = v
    return out


def _backward(ctx, g):
    x, v, *idx = ctx.inputs
    spec, accumulate = ctx.attrs["index"], ctx.attrs.get("accumulate", False)
    gx = g if accumulate else dispatch(index_put_op, (g, F.zeros((), dtype=g.dtype, device=g.device), *idx),
                                       {"index": spec})
    gv = F.sum_to(take(g, spec, idx), tuple(v.shape)) if ctx.needs_input_grad(1) else None
    return (gx, gv) + (None,) * len(idx)


def _torch_index_put(torch, x, v, idx, index, accumulate):
    if idx:
        return x.index_put(plain_index(index, idx), v, accumulate=accumulate)
    out = x.clone()
    out[index] = v
    return out


def _setitem(self, index, value):
    """What ``self[index] = value`` writes into self: index_put(self, index, value)."""
    return index_put(self, index, value)


index_put_op = OpDef(
    name="index_put", forward=_forward, backward=_backward, nondiff_inputs=tuple(range(2, 64)),
    compiled=Compiled(fresh=True),
    infer=lambda x, v, *idx, **attrs: Spec(x.shape, x.dtype),
    variants=Variants(inplace={"__setitem__": _setitem}),
    samples=lambda: [Sample((randn(4, 5), randn(5, seed=1), np.array([0, 2])), {"index": (Slot(0),)}),
                     Sample((randn(4, 5), randn(2, 1, seed=1)), {"index": (slice(1, 3), slice(0, 2))}),
                     Sample((randn(4), randn(3, seed=1), np.array([0, 2, 0])), {"index": (Slot(0),),
                                                                            "accumulate": True})],
    torch_ref=lambda torch, x, v, *idx, index, accumulate=False: _torch_index_put(torch, x, v, idx, index, accumulate))


def index_put(input, index, values, accumulate=False):
    """``input`` with ``input[index] = values`` applied, out of place (``+=`` when accumulate, where
    repeated positions each add); ``self[index] = value`` writes its result into self.

    index is anything x[...] takes; values (a tensor, converted to input's dtype, or a number)
    broadcast to the shape of ``input[index]``.

    Example::

        >>> ug.index_put(ug.zeros(4), ug.tensor([0, 2, 0]), ug.tensor([1.0, 2.0, 3.0]), accumulate=True)
        tensor([4., 0., 2., 0.])
        >>> x = ug.zeros(2, 3)
        >>> x[:, 1] = 5.0
        >>> x
        tensor([[0., 5., 0.],
                [0., 5., 0.]])
    """
    spec, tensors = split_index(index, input._device)
    if not isinstance(values, Tensor):
        values = F.full((), values, dtype=input.dtype, device=input.device)
    elif values._dtype is not input._dtype:
        values = F.to_dtype(values, input._dtype)
    attrs = {"index": spec}
    if accumulate:
        attrs["accumulate"] = True
    return dispatch(index_put_op, (input, values, *tensors), attrs)


register(index_put_op, public=index_put)
