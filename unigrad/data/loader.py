"""DataLoader: batching, seeded shuffling, drop_last, collate, background prefetch."""
import queue
import threading

import numpy as np

from ..core.tensor import Tensor, as_tensor
from ..core import random as _random
from ..ops.random.randperm import randperm
from ..errors import InvalidArgumentError, InvalidTypeError


def default_collate(batch):
    first = batch[0]
    if isinstance(first, Tensor):
        return Tensor._make(np.stack([b._data for b in batch]), first._device, first._dtype)
    if isinstance(first, np.ndarray):
        return as_tensor(np.stack(batch))
    if isinstance(first, (int, float, bool, np.generic)):
        return as_tensor(np.array(batch))
    if isinstance(first, (tuple, list)):
        return type(first)(default_collate(list(items)) for items in zip(*batch))
    if isinstance(first, dict):
        return {k: default_collate([b[k] for b in batch]) for k in first}
    raise InvalidTypeError(f"default_collate: cannot batch elements of type {type(first).__name__}; pass collate_fn=")


class Generator(_random.Generator):
    """A CPU ug.Generator that also takes its seed first, as this module's first Generator did:
    `ug.data.Generator(3)` is `ug.Generator().manual_seed(3)`."""

    def __init__(self, seed=None):
        super().__init__("cpu")
        if seed is not None:
            self.manual_seed(seed)


class DataLoader:
    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, collate_fn=None, generator=None,
                 prefetch=2, num_workers=0, pin_memory=False):
        if batch_size is None or batch_size <= 0:
            raise InvalidArgumentError(f"DataLoader: batch_size must be a positive int, got {batch_size}")
        self.dataset, self.batch_size, self.shuffle, self.drop_last = dataset, batch_size, shuffle, drop_last
        self.collate_fn, self.generator, self.prefetch = collate_fn, generator, prefetch

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _order(self):
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        return randperm(n, generator=self.generator).numpy()  # the CPU default generator unless given

    def _batches(self):
        order = self._order()
        fast = self.collate_fn is None and hasattr(self.dataset, "batch")
        for start in range(0, len(order), self.batch_size):
            idx = order[start:start + self.batch_size]
            if self.drop_last and len(idx) < self.batch_size:
                return
            if fast:
                yield self.dataset.batch(idx)
            else:
                yield (self.collate_fn or default_collate)([self.dataset[int(i)] for i in idx])

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
