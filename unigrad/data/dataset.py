"""Datasets with torch.utils.data's names: map-style Dataset, IterableDataset, TensorDataset,
ConcatDataset, ChainDataset, StackDataset, Subset, and random_split."""
import bisect
import math

from ..core.tensor import Tensor
from ..errors import InvalidArgumentError, InvalidTypeError, OutOfBoundsError


class Dataset:
    """A map-style dataset: subclass it and define ``__getitem__(index)`` (and ``__len__``, which
    samplers and ``DataLoader`` read). ``a + b`` concatenates two datasets.

    A dataset may also define ``batch(indices)`` returning the whole batch at once (a list of
    tensors with a leading batch dim); ``DataLoader`` then skips per-sample collation.

    Example::

        >>> class Squares(ug.data.Dataset):
        ...     def __len__(self):
        ...         return 4
        ...     def __getitem__(self, i):
        ...         return ug.tensor(float(i * i))
        >>> next(iter(ug.data.DataLoader(Squares(), batch_size=4)))
        tensor([0., 1., 4., 9.])
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A dataset that is a stream: subclass it and define ``__iter__``. ``DataLoader`` batches
    what it yields in order (shuffling and samplers do not apply).

    Example::

        >>> class Count(ug.data.IterableDataset):
        ...     def __iter__(self):
        ...         return iter(range(5))
        >>> [b.tolist() for b in ug.data.DataLoader(Count(), batch_size=2)]
        [[0, 1], [2, 3], [4]]
    """

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")

    def __add__(self, other):
        return ChainDataset([self, other])


class TensorDataset(Dataset):
    """Samples are rows of the given tensors: item ``i`` is ``(t[i] for t in tensors)``.

    Example::

        >>> ds = ug.data.TensorDataset(ug.arange(6.0).reshape(3, 2), ug.tensor([0, 1, 0]))
        >>> len(ds), ds[1]
        (3, (tensor([2., 3.]), tensor(1)))
    """

    def __init__(self, *tensors):
        if not tensors:
            raise InvalidArgumentError("TensorDataset needs at least one tensor")
        for i, t in enumerate(tensors):
            if not isinstance(t, Tensor):
                raise InvalidTypeError(f"TensorDataset: argument {i} is a {type(t).__name__}, not a Tensor")
            if t.ndim == 0 or t.shape[0] != tensors[0].shape[0]:
                raise InvalidArgumentError(f"TensorDataset: tensor {i} has shape {tuple(t.shape)}, tensor 0 has "
                                           f"{tuple(tensors[0].shape)}: all need the same size in dim 0")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0]

    def batch(self, indices):
        """The samples at `indices` stacked: one fancy index per tensor (DataLoader's fast path)."""
        return [Tensor._make(t._data[indices], t._device, t._dtype) for t in self.tensors]


class StackDataset(Dataset):
    """Item ``i`` gathers item ``i`` of each dataset: a tuple (positional) or a dict (keywords).

    Example::

        >>> ds = ug.data.StackDataset(x=ug.data.TensorDataset(ug.arange(3)), y=[10, 20, 30])
        >>> ds[2]
        {'x': (tensor(2),), 'y': 30}
    """

    def __init__(self, *args, **kwargs):
        if args and kwargs:
            raise InvalidArgumentError("StackDataset takes datasets as positional or as keyword arguments, not both")
        self.datasets = args or kwargs
        parts = list(args or kwargs.values())
        if not parts:
            raise InvalidArgumentError("StackDataset needs at least one dataset")
        self._length = len(parts[0])
        if any(len(d) != self._length for d in parts):
            raise InvalidArgumentError(f"StackDataset: the datasets' lengths differ: {[len(d) for d in parts]}")

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __len__(self):
        return self._length


class ConcatDataset(Dataset):
    """Several map-style datasets one after the other.

    Example::

        >>> ds = ug.data.ConcatDataset([ug.data.TensorDataset(ug.arange(3)), ug.data.TensorDataset(ug.arange(2))])
        >>> len(ds), ds[3]
        (5, (tensor(0),))
    """

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise InvalidArgumentError("ConcatDataset needs at least one dataset")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise InvalidTypeError("ConcatDataset does not take an IterableDataset (use ChainDataset)")
        self.cumulative_sizes = []
        total = 0
        for d in self.datasets:
            total += len(d)
            self.cumulative_sizes.append(total)

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, index):
        if index < 0:
            if -index > len(self):
                raise OutOfBoundsError(f"index {index} is out of range for a ConcatDataset of length {len(self)}")
            index += len(self)
        which = bisect.bisect_right(self.cumulative_sizes, index)
        if which >= len(self.datasets):
            raise OutOfBoundsError(f"index {index} is out of range for a ConcatDataset of length {len(self)}")
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][index - start]


class ChainDataset(IterableDataset):
    """Several iterable datasets, one stream after the other."""

    def __init__(self, datasets):
        self.datasets = list(datasets)

    def __iter__(self):
        for d in self.datasets:
            yield from d

    def __len__(self):
        return sum(len(d) for d in self.datasets)


class Subset(Dataset):
    """The items of `dataset` at `indices`, in that order.

    Example::

        >>> sub = ug.data.Subset(ug.data.TensorDataset(ug.arange(10)), [7, 2])
        >>> len(sub), sub[0]
        (2, (tensor(7),))
    """

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = [int(i) for i in indices]

    def __getitem__(self, index):
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __getitems__(self, indices):
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self):
        return len(self.indices)

    def __getattr__(self, name):
        # DataLoader's batch fast path exists exactly when the underlying dataset has one
        if name == "batch" and hasattr(self.__dict__.get("dataset"), "batch"):
            return lambda indices: self.dataset.batch([self.indices[int(i)] for i in indices])
        raise AttributeError(f"'Subset' object has no attribute '{name}'")


def random_split(dataset, lengths, generator=None):
    """Split `dataset` into non-overlapping random Subsets of the given lengths, as
    ``torch.utils.data.random_split``: lengths are counts summing to ``len(dataset)``, or
    fractions summing to 1 (each ``floor(f * n)``, the remainder given one by one to the
    first splits). The order comes from ``randperm(n, generator=generator)``.

    Example::

        >>> train, val = ug.data.random_split(ug.data.TensorDataset(ug.arange(10)), [0.8, 0.2],
        ...                                   generator=ug.Generator().manual_seed(0))
        >>> len(train), len(val), sorted(train.indices + val.indices) == list(range(10))
        (8, 2, True)
    """
    from ..ops.random.randperm import randperm
    n = len(dataset)
    lengths = list(lengths)
    if lengths and math.isclose(sum(lengths), 1) and sum(lengths) <= 1 and any(
            isinstance(f, float) for f in lengths):
        for i, frac in enumerate(lengths):
            if not 0 <= frac <= 1:
                raise InvalidArgumentError(f"random_split: fraction at index {i} is {frac}, not in [0, 1]")
        counts = [int(math.floor(n * frac)) for frac in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    if sum(lengths) != n:
        raise InvalidArgumentError(f"random_split: the lengths {lengths} sum to {sum(lengths)}, the dataset has {n} "
                                   "items (give counts summing to its length, or fractions summing to 1)")
    order = randperm(n, generator=generator).tolist()
    out, start = [], 0
    for length in lengths:
        out.append(Subset(dataset, order[start:start + length]))
        start += length
    return out
