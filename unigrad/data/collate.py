"""default_collate / default_convert: samples into batches, as torch.utils.data does."""
import collections.abc

import numpy as np

from ..core.tensor import Tensor, as_tensor
from ..errors import DataError, InvalidTypeError


def _stack_tensors(batch):
    first = batch[0]
    for i, b in enumerate(batch):
        if tuple(b.shape) != tuple(first.shape):
            raise DataError(f"default_collate: sample {i} of the batch has shape {tuple(b.shape)}, sample 0 has "
                            f"{tuple(first.shape)}; tensors in a batch must have equal shapes (pad them, or pass "
                            "collate_fn=)")
        if b._device is not first._device:
            raise DataError(f"default_collate: sample {i} is on {b._device}, sample 0 on {first._device}")
    xp = first._device.xp
    return Tensor._make(xp.stack([b._data for b in batch]), first._device, first._dtype)


def default_collate(batch):
    """A list of samples as one batch, recursively: tensors and NumPy arrays are stacked along a
    new dim 0, Python ints become an int64 tensor, floats a float64 one, bools a bool one,
    strings and bytes stay a list, mappings and sequences are collated per field (a tuple
    sample gives a list, as in PyTorch).

    Example::

        >>> ug.data.default_collate([(ug.tensor([1.0, 2.0]), 0), (ug.tensor([3.0, 4.0]), 1)])
        [tensor([[1., 2.],
                [3., 4.]]), tensor([0, 1])]
    """
    if not batch:
        raise DataError("default_collate: the batch is empty")
    first = batch[0]
    if isinstance(first, Tensor):
        return _stack_tensors(batch)
    if isinstance(first, np.ndarray):
        if first.dtype.kind in "OUS":
            raise InvalidTypeError(f"default_collate: cannot batch NumPy arrays of dtype {first.dtype}")
        return _stack_tensors([as_tensor(b) for b in batch])
    if isinstance(first, np.generic):
        return as_tensor(np.array(batch))
    if isinstance(first, bool):
        return as_tensor(list(batch))
    if isinstance(first, int):
        return as_tensor(np.array(batch, dtype=np.int64))
    if isinstance(first, float):
        return as_tensor(np.array(batch, dtype=np.float64))
    if isinstance(first, (str, bytes)):
        return list(batch)
    if isinstance(first, collections.abc.Mapping):
        return type(first)({k: default_collate([b[k] for b in batch]) for k in first}) \
            if not isinstance(first, collections.OrderedDict) else \
            collections.OrderedDict((k, default_collate([b[k] for b in batch])) for k in first)
    if isinstance(first, tuple) and hasattr(first, "_fields"):  # a namedtuple keeps its type
        return type(first)(*(default_collate(list(items)) for items in zip(*batch)))
    if isinstance(first, collections.abc.Sequence):
        n = len(first)
        if any(len(b) != n for b in batch):
            raise DataError("default_collate: each element in the list of batch should be of equal size")
        return [default_collate(list(items)) for items in zip(*batch)]
    raise InvalidTypeError(f"default_collate: cannot batch elements of type {type(first).__name__}; pass "
                           "collate_fn= to the DataLoader")


def default_convert(data):
    """NumPy arrays (and those inside mappings and sequences) as tensors, everything else as it
    is: what DataLoader applies to each sample when batch_size=None.

    Example::

        >>> ug.data.default_convert((np.arange(2), "a"))
        [tensor([0, 1]), 'a']
    """
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray) and data.dtype.kind not in "OUS":
        return as_tensor(data)
    if isinstance(data, np.generic):
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return type(data)({k: default_convert(v) for k, v in data.items()})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(v) for v in data))
    if isinstance(data, tuple):  # a list, as in PyTorch
        return [default_convert(v) for v in data]
    if isinstance(data, list):
        return [default_convert(v) for v in data]
    return data
