"""embedding_bag: the sum, mean or max of the embeddings of each bag of indices, without forming
the per-index embeddings a bag would keep (a composite of embedding, index_add and scatter)."""
import numpy as np

from ...core.tensor import tensor as _tensor
from ...errors import InvalidArgumentError, ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn


def _bags(input, offsets, include_last_offset):
    """(flat indices, bag id of each, number of bags) for 2-D input (a bag per row) or 1-D input
    cut at offsets."""
    if input.ndim == 2:
        b, length = input.shape
        return F.reshape(input, (-1,)), np.repeat(np.arange(b), length), b
    if input.ndim != 1 or offsets is None or offsets.ndim != 1:
        raise ShapeError(f"embedding_bag: expects 2-D input, or 1-D input with 1-D offsets; got input "
                         f"{tuple(input.shape)} and offsets {None if offsets is None else tuple(offsets.shape)}")
    starts = offsets.cpu().numpy().astype(np.int64)
    if include_last_offset:
        starts = starts[:-1]
    n = int(input.shape[0])
    if len(starts) and (starts[0] != 0 or (np.diff(starts) < 0).any() or starts[-1] > n):
        raise InvalidArgumentError(f"embedding_bag: offsets must start at 0 and not decrease, got {starts.tolist()}")
    return input, np.searchsorted(starts, np.arange(n), side="right") - 1, len(starts)


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """For each bag, the sum, mean or max (mode) of ``weight[i]`` over its indices i, as torch's
    embedding_bag: bags are input's rows (2-D input) or 1-D input cut at offsets; entries equal to
    padding_idx are left out; per_sample_weights scale each entry (mode 'sum'); an empty bag gives
    zeros.

    Example::

        >>> w = ug.tensor([[1.0, 0.0], [0.0, 2.0], [4.0, 4.0]])
        >>> ug.nn.functional.embedding_bag(ug.tensor([0, 1, 2]), w, ug.tensor([0, 2]), mode="sum")
        tensor([[1., 2.],
                [4., 4.]])
    """
    if mode not in ("sum", "mean", "max"):
        raise InvalidArgumentError(f"embedding_bag: mode must be 'sum', 'mean' or 'max', got {mode!r}")
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise InvalidArgumentError("embedding_bag: max_norm, scale_grad_by_freq and sparse are not supported")
    if per_sample_weights is not None and mode != "sum":
        raise InvalidArgumentError("embedding_bag: per_sample_weights needs mode='sum', as in torch")
    flat, bag_of, bags = _bags(input, offsets, include_last_offset)
    weights = None if per_sample_weights is None else F.reshape(per_sample_weights, (-1,))
    bag_index = bag_of
    if padding_idx is not None:   # padding entries left out before looking anything up
        keep = flat.cpu().numpy() != (padding_idx % weight.shape[0])
        if not keep.all():
            kept = _tensor(np.nonzero(keep)[0].astype(np.int64), device=weight.device)
            flat, bag_index = F.index_select(flat, 0, kept), bag_of[keep]
            weights = None if weights is None else F.index_select(weights, 0, kept)
    rows = F.embedding(flat, weight)
    if weights is not None:
        rows = F.mul(rows, F.unsqueeze(weights, 1))
    ids = _tensor(bag_index.astype(np.int64), device=weight.device)
    dim = weight.shape[1]
    zeros = F.zeros(bags, dim, dtype=weight.dtype, device=weight.device)
    if mode in ("sum", "mean"):
        out = F.index_add(zeros, 0, ids, rows)
        if mode == "mean":
            counts = np.bincount(bag_index, minlength=bags).astype(np.float64)
            out = F.div(out, _tensor(np.maximum(counts, 1)[:, None], dtype=weight.dtype, device=weight.device))
        return out
    # max: each kept entry scattered into its (bag, slot) of a -inf filled grid, then the max per bag
    # (bag_index does not decrease: an entry's slot is its distance from its bag's first entry)
    slot = np.arange(len(bag_index), dtype=np.int64) - np.searchsorted(bag_index, bag_index, side="left")
    width = int(slot.max()) + 1 if len(slot) else 1
    position = _tensor(np.broadcast_to((bag_index * width + slot)[:, None], (len(slot), dim)).copy(), device=weight.device)
    grid = F.scatter(F.full((bags * width, dim), float("-inf"), dtype=weight.dtype, device=weight.device), 0, position,
                     rows)
    out = F.amax(F.reshape(grid, (bags, width, dim)), dim=1)
    return F.where(F.isinf(out), F.zeros_like(out), out)


register(OpDef(name="embedding_bag", impl=embedding_bag, variants=Variants(function=False, functional=True),
               samples=lambda: [Sample((np.array([1, 2, 4, 5, 4, 3]), randn(7, 3), np.array([0, 2, 2])), {"mode": "mean"}),
                                Sample((np.array([[0, 2], [4, 1]]), randn(5, 3)), {"mode": "sum"}),
                                Sample((np.array([1, 2, 4, 5, 4, 3]), randn(7, 3), np.array([0, 3])), {"mode": "max"}),
                                Sample((np.array([1, 0, 2, 4]), randn(5, 2), np.array([0, 2])),
                                       {"mode": "mean", "padding_idx": 0}),
                                Sample((np.array([1, 2, 4]), randn(5, 2), np.array([0, 1, 3]), None, 2, False, "sum", False,
                                        randn(3, seed=3)), {"include_last_offset": True})],
               torch_ref=lambda torch, x, w, *a, **kw: torch.nn.functional.embedding_bag(x, w, *a, **kw)))
