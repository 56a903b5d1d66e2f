"""DataLoader: samples from a dataset in batches, with torch.utils.data.DataLoader's arguments.

Loading runs on one background thread that prepares the next batches while the training step
runs (`prefetch`, or torch's `prefetch_factor`, batches ahead). `num_workers` is accepted and
means that thread: there are no worker processes (unigrad's datasets are in memory or fast
readers, and processes would need the samples pickled)."""
import queue
import threading

from ..core import random as _random
from ..errors import InvalidArgumentError
from .collate import default_collate, default_convert
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler


class Generator(_random.Generator):
    """A CPU ug.Generator that also takes its seed first, as this module's first Generator did:
    `ug.data.Generator(3)` is `ug.Generator().manual_seed(3)`."""

    def __init__(self, seed=None):
        super().__init__("cpu")
        if seed is not None:
            self.manual_seed(seed)


def get_worker_info():
    """None: batches are loaded in the main process (there are no worker processes)."""
    return None


class DataLoader:
    """Iterate over `dataset` in batches.

    Args:
        dataset: a map-style Dataset (``__getitem__``, ``__len__``) or an IterableDataset.
        batch_size: samples per batch (None: no batching, each sample converted as it is).
        shuffle: a new random order each epoch (a RandomSampler over `generator`).
        sampler: an iterable of indices instead (excludes shuffle).
        batch_sampler: an iterable of index lists instead (excludes batch_size, shuffle,
            sampler, drop_last).
        num_workers: accepted; loading runs on one background thread either way.
        collate_fn: makes a batch from a list of samples (default: ``default_collate``).
        drop_last: drop the last batch when it is short.
        generator: the ug.Generator that shuffling draws from (default: the CPU's).
        prefetch / prefetch_factor: batches prepared ahead (0: load in the loop itself). The
            batches are made on a loading thread, so a dataset whose items draw random numbers
            (augmentation) should draw from its own ug.Generator, or a seeded run's draws would
            interleave with the training step's in a different order each time; prefetch=0
            keeps every draw in the loop's order, as torch's num_workers=0 does.
        worker_init_fn: called once as ``worker_init_fn(0)`` when an iteration starts.
        pin_memory, timeout, persistent_workers, multiprocessing_context, in_order: accepted.

    Example::

        >>> ds = ug.data.TensorDataset(ug.arange(10.0), ug.arange(10))
        >>> [y.tolist() for _, y in ug.data.DataLoader(ds, batch_size=4)]
        [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
        >>> len(ug.data.DataLoader(ds, batch_size=4, drop_last=True))
        2
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True, prefetch=2):
        if num_workers < 0:
            raise InvalidArgumentError(f"DataLoader: num_workers must be >= 0, got {num_workers}")
        self.dataset, self.num_workers, self.generator = dataset, num_workers, generator
        self.worker_init_fn, self.pin_memory, self.timeout = worker_init_fn, pin_memory, timeout
        self.prefetch = prefetch if prefetch_factor is None else prefetch_factor
        iterable = isinstance(dataset, IterableDataset)
        if iterable and (shuffle or sampler is not None or batch_sampler is not None):
            raise InvalidArgumentError("DataLoader with an IterableDataset: shuffle, sampler and batch_sampler do not "
                                       "apply (the dataset decides its order)")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise InvalidArgumentError("DataLoader: batch_sampler option is mutually exclusive with batch_size, "
                                           "shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise InvalidArgumentError("DataLoader: batch_size=None option disables auto-batching and is mutually "
                                       "exclusive with drop_last")
        elif batch_size is not None and (not isinstance(batch_size, int) or batch_size <= 0):
            raise InvalidArgumentError(f"DataLoader: batch_size must be a positive int or None, got {batch_size!r}")
        if sampler is not None and shuffle:
            raise InvalidArgumentError("DataLoader: sampler option is mutually exclusive with shuffle")
        if sampler is None and not iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size, self.drop_last, self.shuffle = batch_size, drop_last, bool(shuffle)
        self.sampler, self.batch_sampler = sampler, batch_sampler
        self._auto_collation = batch_sampler is not None or (iterable and batch_size is not None)
        self.collate_fn = collate_fn if collate_fn is not None else (
            default_collate if self._auto_collation else default_convert)
        self._fast = collate_fn is None and hasattr(dataset, "batch") and batch_sampler is not None

    def __len__(self):
        if isinstance(self.dataset, IterableDataset):
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self.batch_sampler) if self.batch_sampler is not None else len(self.sampler)

    def _batches(self):
        if self.worker_init_fn is not None:
            self.worker_init_fn(0)
        ds, collate = self.dataset, self.collate_fn
        if isinstance(ds, IterableDataset):
            if self.batch_size is None:
                yield from (collate(item) for item in ds)
                return
            batch = []
            for item in ds:
                batch.append(item)
                if len(batch) == self.batch_size:
                    yield collate(batch)
                    batch = []
            if batch and not self.drop_last:
                yield collate(batch)
            return
        if self.batch_sampler is None:
            yield from (collate(ds[i]) for i in self.sampler)
            return
        many = getattr(ds, "__getitems__", None)
        for indices in self.batch_sampler:
            if self._fast:
                yield ds.batch(indices)
            elif many is not None:
                yield collate(many(indices))
            else:
                yield collate([ds[i] for i in indices])

    def __iter__(self):
        if not self.prefetch:
            yield from self._batches()
            return
        yield from _prefetched(self._batches(), self.prefetch)


_DONE = object()


def _prefetched(batches, depth):
    """Produce batches on a background thread so loading overlaps the training step."""
    q = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def work():
        try:
            for b in batches:
                while not stop.is_set():
                    try:
                        q.put(b, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(_DONE)
        except BaseException as exc:  # hand the error to the consumer instead of hanging
            q.put(exc)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
