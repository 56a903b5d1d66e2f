"""Samplers with torch.utils.data's names: which indices a DataLoader reads, in which order."""
from ..core.tensor import Tensor, as_tensor
from ..errors import InvalidArgumentError, InvalidTypeError


class Sampler:
    """Base class: an iterable of dataset indices (and usually ``__len__``)."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1.

    Example::

        >>> list(ug.data.SequentialSampler(range(4)))
        [0, 1, 2, 3]
    """

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


def _randperm(n, generator):
    from ..ops.random.randperm import randperm
    return randperm(n, generator=generator).tolist()


class RandomSampler(Sampler):
    """The indices in random order (a new permutation per pass), or `num_samples` draws with
    replacement; draws come from `generator` (the default CPU generator when None).

    Example::

        >>> sorted(ug.data.RandomSampler(range(5), generator=ug.Generator().manual_seed(1)))
        [0, 1, 2, 3, 4]
        >>> len(list(ug.data.RandomSampler(range(5), replacement=True, num_samples=12)))
        12
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source, self.replacement, self.generator = data_source, replacement, generator
        self._num_samples = num_samples
        if not isinstance(replacement, bool):
            raise InvalidTypeError(f"RandomSampler: replacement must be a bool, got {replacement!r}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise InvalidArgumentError(f"RandomSampler: num_samples must be a positive int, got {self.num_samples!r}")

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        if self.replacement:
            from ..ops.random.randint import randint
            yield from randint(0, n, (self.num_samples,), generator=self.generator).tolist()
            return
        # every permutation drawn before the first index is given: the DataLoader iterates on its
        # loading thread, and a draw made later (for the next pass over n) would race the training
        # step's own draws (dropout) on the same default generator, so seeded runs would differ
        order = [i for _ in range(self.num_samples // n) for i in _randperm(n, self.generator)]
        if self.num_samples % n:
            order += _randperm(n, self.generator)[:self.num_samples % n]
        yield from order

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices, in random order.

    Example::

        >>> sorted(ug.data.SubsetRandomSampler([3, 5, 9]))
        [3, 5, 9]
    """

    def __init__(self, indices, generator=None):
        self.indices, self.generator = indices, generator

    def __iter__(self):
        for i in _randperm(len(self.indices), self.generator):
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """`num_samples` indices in [0, len(weights)) drawn with probabilities proportional to
    `weights` (``ug.multinomial``), with or without replacement.

    Example::

        >>> list(ug.data.WeightedRandomSampler([0.0, 0.0, 1.0], 3))
        [2, 2, 2]
    """

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise InvalidArgumentError(f"WeightedRandomSampler: num_samples must be a positive int, got "
                                       f"{num_samples!r}")
        w = weights if isinstance(weights, Tensor) else as_tensor(list(weights) if not hasattr(weights, "shape")
                                                                  else weights)
        self.weights = w.double()
        if self.weights.ndim != 1:
            raise InvalidArgumentError(f"WeightedRandomSampler: weights must be 1-d, got shape {tuple(w.shape)}")
        self.num_samples, self.replacement, self.generator = num_samples, replacement, generator

    def __iter__(self):
        from ..ops.random.multinomial import multinomial
        yield from multinomial(self.weights, self.num_samples, self.replacement, generator=self.generator).tolist()

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Groups another sampler's indices into lists of `batch_size` (the last one shorter unless
    drop_last).

    Example::

        >>> list(ug.data.BatchSampler(ug.data.SequentialSampler(range(5)), batch_size=2, drop_last=False))
        [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler, batch_size, drop_last):
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise InvalidArgumentError(f"BatchSampler: batch_size must be a positive int, got {batch_size!r}")
        if not isinstance(drop_last, bool):
            raise InvalidTypeError(f"BatchSampler: drop_last must be a bool, got {drop_last!r}")
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last

    def __iter__(self):
        batch = []
        for idx in self.sampler:
            batch.append(idx)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
