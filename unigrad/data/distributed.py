"""DistributedSampler: each rank of a data-parallel job reads its own share of a dataset."""
import math

from ..backend import process_group as _pg
from ..errors import InvalidArgumentError, InvalidTypeError
from .sampler import Sampler, _randperm


class DistributedSampler(Sampler):
    """The indices of rank `rank`'s share of `dataset`, as torch's DistributedSampler: with
    shuffle, one permutation per epoch drawn from seed + epoch (the same on every rank, so the
    shares never overlap), then every num_replicas-th index from position `rank`. Unless
    drop_last, the list is padded by repeating its start so that every rank gets
    ceil(len / num_replicas) indices (ranks must run the same number of steps); with drop_last
    the tail is dropped instead. Call set_epoch(epoch) before each epoch for a new order.

    num_replicas and rank default to the job's process group (1 and 0 in one process).

    Example::

        >>> [list(ug.data.DistributedSampler(range(5), num_replicas=2, rank=r, shuffle=False)) for r in (0, 1)]
        [[0, 2, 4], [1, 3, 0]]
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        if num_replicas is None:
            num_replicas = _pg.world_size()
        if rank is None:
            rank = _pg.rank()
        for name, value in (("num_replicas", num_replicas), ("rank", rank), ("seed", seed)):
            if not isinstance(value, int) or isinstance(value, bool):
                raise InvalidTypeError(f"DistributedSampler: {name} must be an int, got {value!r}")
        if num_replicas < 1:
            raise InvalidArgumentError(f"DistributedSampler: num_replicas must be >= 1, got {num_replicas}")
        if not 0 <= rank < num_replicas:
            raise InvalidArgumentError(f"DistributedSampler: invalid rank {rank}, rank should be in the interval "
                                       f"[0, {num_replicas - 1}]")
        self.dataset, self.num_replicas, self.rank = dataset, num_replicas, rank
        self.shuffle, self.seed, self.drop_last = bool(shuffle), seed, bool(drop_last)
        self.epoch = 0
        n = len(dataset)
        if self.drop_last and n % num_replicas:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            from ..core.random import Generator
            indices = _randperm(n, Generator().manual_seed(self.seed + self.epoch))
        else:
            indices = list(range(n))
        if self.drop_last:
            indices = indices[:self.total_size]
        else:
            missing = self.total_size - len(indices)
            if missing:
                indices += (indices * math.ceil(missing / len(indices)))[:missing]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """The epoch the next pass draws its order for (every rank must set the same one)."""
        self.epoch = int(epoch)
