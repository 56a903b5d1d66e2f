"""searchsorted and bucketize: where values would go in sorted sequences (int64 positions, no
gradient); searchsorted works on batches of sequences along the last dim."""
import numpy as np

from ...backend import dtypes as _dt
from ...core.tensor import Tensor
from ...errors import InvalidArgumentError, ShapeError
from ..dispatch import dispatch
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..operands import ensure_tensor


def _forward(xp, sorted_sequence, values, right=False):
    side = "right" if right else "left"
    if sorted_sequence.ndim == 1:
        return xp.searchsorted(sorted_sequence, values, side=side).astype(xp.int64)
    lead = sorted_sequence.shape[:-1]
    seqs = sorted_sequence.reshape(-1, sorted_sequence.shape[-1])
    vals = values.reshape(seqs.shape[0], -1)
    out = xp.stack([xp.searchsorted(s, v, side=side) for s, v in zip(seqs, vals)])
    return out.reshape(lead + values.shape[-1:]).astype(xp.int64)


def _infer_shape(seq, values):
    if seq.ndim > 1 and tuple(seq.shape[:-1]) != tuple(values.shape[:-1]):
        raise ShapeError(f"searchsorted: a batch of sequences {tuple(seq.shape)} needs values with the same leading "
                         f"dims, got {tuple(values.shape)}")


searchsorted_op = OpDef(
    name="searchsorted", forward=_forward, diff_outputs=(), nondiff_inputs=(0, 1),
    samples=lambda: [Sample((np.sort(randn(6)), randn(3, 4, seed=1)), grad=False),
                     Sample((np.sort(randn(2, 5), axis=-1), randn(2, 3, seed=1)), {"right": True}, grad=False),
                     Sample((np.array([1.0, 2.0, 2.0, 3.0]), np.array([2.0, 0.0, 5.0])), {"right": True}, grad=False)],
    torch_ref=lambda torch, s, v, right=False: torch.searchsorted(s, v, right=right), reference=_forward)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    """For each value, the index in sorted_sequence (ascending along its last dim) at which it
    would be inserted to keep the order: before equal elements, or after them with right=True /
    side='right' (torch.searchsorted). A batch of sequences takes values with the same leading dims.

    Example::

        >>> ug.searchsorted(ug.tensor([1.0, 3.0, 5.0]), ug.tensor([0.0, 3.0, 6.0]))
        tensor([0, 1, 3])
    """
    if sorter is not None:
        raise InvalidArgumentError("searchsorted: sorter is not supported; sort the sequence first")
    if side is not None:
        if side not in ("left", "right"):
            raise InvalidArgumentError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
        right = side == "right"
    scalar = not isinstance(input, Tensor)
    values = ensure_tensor(input, sorted_sequence.device)
    if values.ndim == 0:
        values = values.reshape(1)
    _infer_shape(sorted_sequence, values)
    out = dispatch(searchsorted_op, (sorted_sequence, values), {"right": bool(right)})
    if scalar or (not isinstance(input, Tensor) or input.ndim == 0):
        out = out.reshape(())
    return out.to(_dt.int32) if out_int32 else out


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The bucket of each element of input among the 1-D ascending boundaries, as torch.bucketize:
    i with ``boundaries[i-1] < x <= boundaries[i]`` (``<=`` and ``<`` swapped with right=True).

    Example::

        >>> ug.bucketize(ug.tensor([0.5, 1.0, 4.0]), ug.tensor([1.0, 3.0]))
        tensor([0, 0, 2])
    """
    if boundaries.ndim != 1:
        raise ShapeError(f"bucketize: boundaries must be 1-D, got shape {tuple(boundaries.shape)}")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


register(searchsorted_op, public=searchsorted)
register(OpDef(name="bucketize", impl=bucketize,
               samples=lambda: [Sample((randn(3, 4), np.sort(randn(5, seed=1))), grad=False),
                                Sample((np.array([1.0, 2.0, 3.0]), np.array([1.0, 3.0])), {"right": True}, grad=False)],
               torch_ref=lambda torch, x, b, right=False: torch.bucketize(x, b, right=right)))
