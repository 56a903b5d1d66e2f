"""Variable-length sequences for the recurrent modules (torch.nn.utils.rnn): PackedSequence,
pack_padded_sequence, pad_packed_sequence, pad_sequence, pack_sequence, unpad_sequence,
unpack_sequence. Packing and unpacking are index ops, so gradients flow through them."""
from collections import namedtuple

import numpy as np

from ...backend import dtypes as _dt
from ...core.tensor import Tensor, as_tensor
from ...errors import InvalidArgumentError, InvalidTypeError, ShapeError
from ...ops import api as F

_PackedSequenceBase = namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])


class PackedSequence(_PackedSequenceBase):
    """A batch of sequences of different lengths, stored step by step without padding (as
    PyTorch packs them): ``data`` holds, for step 0, the first element of every sequence, then
    for step 1 those of the sequences at least 2 long, and so on (sequences sorted longest
    first); ``batch_sizes[t]`` is how many sequences are still running at step t;
    ``sorted_indices`` maps the sorted order to the original batch order (None when the batch
    came sorted) and ``unsorted_indices`` back. Made by :func:`pack_padded_sequence`; the
    recurrent modules take and return it.

    Example::

        >>> p = ug.nn.utils.rnn.pack_sequence([ug.tensor([1.0, 2.0, 3.0]), ug.tensor([4.0])])
        >>> p.data, p.batch_sizes
        (tensor([1., 4., 2., 3.]), tensor([2, 1, 1]))
    """
    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = _invert(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        device = data.device
        idx = [None if t is None else t.to(device) for t in (self.sorted_indices, self.unsorted_indices)]
        return type(self)(data, self.batch_sizes, *idx)

    def cpu(self):
        return self.to("cpu")

    def cuda(self, device=None):
        return self.to("cuda" if device is None else f"cuda:{device}")

    def float(self):
        return self.to(dtype=_dt.float32)

    def double(self):
        return self.to(dtype=_dt.float64)

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return False


def _invert(permutation):
    out = np.empty(len(permutation), dtype=np.int64)
    out[np.asarray(permutation.tolist(), dtype=np.int64)] = np.arange(len(permutation))
    return as_tensor(out, device=permutation.device)


def _lengths_list(lengths):
    values = lengths.tolist() if isinstance(lengths, Tensor) else [int(v) for v in lengths]
    if isinstance(values, int):
        values = [values]
    return [int(v) for v in values]


def _layout(batch_sizes, batch):
    """Positions in a (T * B) padded grid of the rows of a packed `data`, in data's order."""
    return np.concatenate([t * batch + np.arange(n) for t, n in enumerate(batch_sizes)]).astype(np.int64)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch: input (T, B, *) (or (B, T, *) with batch_first) whose sequence b is
    ``lengths[b]`` long. With enforce_sorted the lengths must come longest first; otherwise
    the batch is sorted here and the result remembers how to restore the order.

    Example::

        >>> x = ug.tensor([[1.0, 4.0], [2.0, 0.0], [3.0, 0.0]])   # (T=3, B=2)
        >>> ug.nn.utils.rnn.pack_padded_sequence(x, [3, 1]).data
        tensor([1., 4., 2., 3.])
    """
    if not isinstance(input, Tensor):
        raise InvalidTypeError(f"pack_padded_sequence: input must be a Tensor, got {type(input).__name__}")
    lengths = _lengths_list(lengths)
    batch_dim = 0 if batch_first else 1
    if input.ndim < 2 or input.shape[batch_dim] != len(lengths):
        raise ShapeError(f"pack_padded_sequence: {len(lengths)} lengths for an input of shape {tuple(input.shape)} "
                         f"(batch dim {batch_dim})")
    steps = input.shape[1 - batch_dim]
    if any(n <= 0 or n > steps for n in lengths):
        raise InvalidArgumentError(f"pack_padded_sequence: every length must be in [1, {steps}] (the padded length), "
                                   f"got {lengths}")
    if enforce_sorted:
        if any(a < b for a, b in zip(lengths, lengths[1:])):
            raise InvalidArgumentError("pack_padded_sequence: `lengths` array must be sorted in decreasing order "
                                       f"when `enforce_sorted` is True, got {lengths}. Pass enforce_sorted=False to "
                                       "pack unsorted sequences")
        sorted_indices = None
    else:
        order = np.argsort(-np.asarray(lengths), kind="stable")
        sorted_indices = as_tensor(order.astype(np.int64), device=input.device)
        input = F.index_select(input, batch_dim, sorted_indices)
        lengths = [lengths[i] for i in order]
    if batch_first:
        input = F.transpose(input, 0, 1)
    batch_sizes = [sum(1 for n in lengths if n > t) for t in range(lengths[0])]
    flat = F.reshape(input, (steps * len(lengths),) + tuple(input.shape[2:]))
    rows = as_tensor(_layout(batch_sizes, len(lengths)), device=input.device)
    data = F.index_select(flat, 0, rows)
    return PackedSequence(data, as_tensor(np.asarray(batch_sizes, dtype=np.int64)), sorted_indices)


def padded_from_packed(sequence, padding_value=0.0, total_length=None):
    """(padded (T, B, *) in sorted order, lengths in sorted order) of a PackedSequence."""
    data, batch_sizes = sequence.data, [int(n) for n in sequence.batch_sizes.tolist()]
    batch, steps = batch_sizes[0], len(batch_sizes)
    if total_length is not None:
        if total_length < steps:
            raise InvalidArgumentError(f"pad_packed_sequence: total_length={total_length} is shorter than the longest "
                                       f"sequence ({steps})")
        steps = total_length
    lengths = [sum(1 for n in batch_sizes if n > b) for b in range(batch)]
    fill = F.full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype, device=data.device)
    source = F.cat([data, fill], 0)
    where = np.full(steps * batch, data.shape[0], dtype=np.int64)  # padding reads the fill row
    where[_layout(batch_sizes, batch)] = np.arange(data.shape[0])
    padded = F.index_select(source, 0, as_tensor(where, device=data.device))
    return F.reshape(padded, (steps, batch) + tuple(data.shape[1:])), lengths


def packed_from_padded(padded, like):
    """A PackedSequence holding padded (T, B, *) (sorted order) laid out as `like` is."""
    batch_sizes = [int(n) for n in like.batch_sizes.tolist()]
    steps, batch = padded.shape[0], padded.shape[1]
    flat = F.reshape(padded, (steps * batch,) + tuple(padded.shape[2:]))
    rows = as_tensor(_layout(batch_sizes, batch), device=padded.device)
    return PackedSequence(F.index_select(flat, 0, rows), like.batch_sizes, like.sorted_indices, like.unsorted_indices)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """The inverse of pack_padded_sequence: (padded (T, B, *) or (B, T, *), lengths (B,) int64),
    in the batch's original order, padded with padding_value up to the longest sequence (or
    total_length).

    Example::

        >>> p = ug.nn.utils.rnn.pack_sequence([ug.tensor([1.0]), ug.tensor([2.0, 3.0])], enforce_sorted=False)
        >>> ug.nn.utils.rnn.pad_packed_sequence(p, batch_first=True)
        (tensor([[1., 0.],
                [2., 3.]]), tensor([1, 2]))
    """
    if not isinstance(sequence, PackedSequence):
        raise InvalidTypeError(f"pad_packed_sequence expects a PackedSequence, got {type(sequence).__name__}")
    padded, lengths = padded_from_packed(sequence, padding_value, total_length)
    lengths = as_tensor(np.asarray(lengths, dtype=np.int64))
    if sequence.unsorted_indices is not None:
        padded = F.index_select(padded, 1, sequence.unsorted_indices)
        lengths = as_tensor(lengths.numpy()[np.asarray(sequence.unsorted_indices.tolist(), dtype=np.int64)])
    if batch_first:
        padded = F.transpose(padded, 0, 1)
    return padded, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack tensors of shapes (L_i, *) into one (T, B, *) (or (B, T, *)) tensor, each padded
    with padding_value to the longest L_i, on the right (or the left).

    Example::

        >>> ug.nn.utils.rnn.pad_sequence([ug.tensor([1, 2, 3]), ug.tensor([4])], batch_first=True)
        tensor([[1, 2, 3],
                [4, 0, 0]])
    """
    sequences = list(sequences) if not isinstance(sequences, Tensor) else list(sequences.unbind(0))
    if not sequences:
        raise InvalidArgumentError("pad_sequence: got an empty list of sequences")
    if padding_side not in ("right", "left"):
        raise InvalidArgumentError(f"pad_sequence: padding_side must be 'right' or 'left', got {padding_side!r}")
    trailing = tuple(sequences[0].shape[1:])
    for i, s in enumerate(sequences):
        if s.ndim == 0 or tuple(s.shape[1:]) != trailing:
            raise ShapeError(f"pad_sequence: sequence {i} has shape {tuple(s.shape)}; every sequence must be (L, "
                             f"{', '.join(map(str, trailing)) or ''}*) like sequence 0 {tuple(sequences[0].shape)}")
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        extra = longest - s.shape[0]
        widths = [0, 0] * len(trailing) + ([0, extra] if padding_side == "right" else [extra, 0])
        padded.append(F.pad(s, tuple(widths), value=padding_value) if extra else s)
    return F.stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of unpadded sequences of a padded batch (the inverse of pad_sequence)."""
    if not batch_first:
        padded_sequences = F.transpose(padded_sequences, 0, 1)
    return [padded_sequences[b, :n] for b, n in enumerate(_lengths_list(lengths))]


def pack_sequence(sequences, enforce_sorted=True):
    """pack_padded_sequence of pad_sequence(sequences): a list of (L_i, *) tensors packed."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of sequences a PackedSequence holds (the inverse of pack_sequence)."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
