"""Dynamic batching (Triton's model): one queue and one worker thread per model version.

Requests wait in the queue while the model runs; the worker then takes as many as fit in
max_batch_size (oldest first, only requests whose inputs agree in every axis but the batch
axis), runs them as one batch and hands each request its own rows of every output. A partial
batch waits up to max_queue_delay_us for more requests unless a preferred batch size can be
formed. Batches are padded up to the next allowed batch size (copies of the first row, whose
results are dropped), so a shape-generic graph compiles a handful of plans, not one per size.
With dynamic batching off, the same worker runs requests one at a time.
"""
import collections
import threading
import time

import numpy as np

from ..errors import calling_site
from .errors import ModelUnavailable, ServeError


class BatcherClosed(Exception):
    """The version is being unloaded: resolve the model again and resubmit."""


class InferRequest:
    """One request to one model version. `done(outputs, error)` is called from the worker thread,
    or, when `loop` is given, in that event loop's thread (one wake-up per batch, not per request)."""
    __slots__ = ("inputs", "size", "key", "arrival", "done", "loop", "cancelled", "queue_s", "compute_s", "batch")

    def __init__(self, inputs, size, done, loop=None):
        self.inputs, self.size, self.done, self.loop = inputs, size, done, loop
        self.key = tuple((a.dtype.str, a.shape[1:]) for a in inputs)
        self.arrival = time.perf_counter()
        self.cancelled = False
        self.queue_s = self.compute_s = 0.0
        self.batch = 0

    def cancel(self):
        """The client went away: skip the request if it has not run yet."""
        self.cancelled = True


class Batcher:
    """The queue and worker of one model version (a ServedModel)."""

    def __init__(self, model, metrics=None):
        self.model, self.metrics = model, metrics
        cfg = model.config
        self.max_batch = model.max_batch_size
        self.merge = cfg.dynamic_batching and self.max_batch > 0
        self.delay = cfg.max_queue_delay_us / 1e6
        self.preferred = frozenset(cfg.preferred_batch_sizes)
        self.max_queue = cfg.max_queue_size
        self.pad_sizes = model.batch_sizes
        self._site = f"model '{model.name}' version {model.version}"
        self._queue = collections.deque()
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._loop, daemon=True,
                                        name=f"unigrad-serve:{model.name}:{model.version}")
        self._thread.start()

    # ---- front-end side --------------------------------------------------------------
    def submit(self, request):
        """Queue a request; ModelUnavailable when the queue is full, BatcherClosed while unloading."""
        with self._cond:
            if self._closed:
                raise BatcherClosed()
            if len(self._queue) >= self.max_queue:
                raise ModelUnavailable(f"model '{self.model.name}' version {self.model.version}: the queue holds "
                                       f"{len(self._queue)} requests, its max_queue_size; retry later")
            self._queue.append(request)
            if self.metrics is not None:
                self.metrics.pending.inc()
            self._cond.notify()

    def close(self):
        """Stop taking requests, finish the queued ones, end the worker."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if threading.current_thread() is not self._thread:
            self._thread.join()

    def queued(self):
        return len(self._queue)

    # ---- worker side -----------------------------------------------------------------
    def _loop(self):
        while True:
            batch = self._next_batch()
            if batch is None:
                return
            self._run(batch)

    def _next_batch(self):
        with self._cond:
            while True:
                self._drop_cancelled_head()
                if not self._queue:
                    if self._closed:
                        return None
                    self._cond.wait()
                    continue
                if not self.merge:
                    return self._take([self._queue[0]])
                chosen, total = self._compatible()
                if total >= self.max_batch or self._closed:
                    return self._take(chosen)
                preferred = self._preferred_prefix(chosen)
                if preferred:
                    return self._take(preferred)
                wait = self._queue[0].arrival + self.delay - time.perf_counter()
                if wait <= 0:
                    return self._take(chosen)
                self._cond.wait(wait)

    def _drop_cancelled_head(self):
        while self._queue and self._queue[0].cancelled:
            self._queue.popleft()
            if self.metrics is not None:
                self.metrics.pending.dec()

    def _compatible(self):
        """The oldest requests that can share a batch with the head, within max_batch_size."""
        head = self._queue[0]
        chosen, total = [], 0
        for request in self._queue:
            if request.cancelled or request.key != head.key:
                continue
            if total + request.size > self.max_batch:
                break
            chosen.append(request)
            total += request.size
        return chosen, total

    def _preferred_prefix(self, chosen):
        if not self.preferred:
            return None
        best, total = None, 0
        for i, request in enumerate(chosen):
            total += request.size
            if total in self.preferred:
                best = i + 1
        return chosen[:best] if best else None

    def _take(self, chosen):
        if len(chosen) == 1 and self._queue[0] is chosen[0]:
            self._queue.popleft()
        else:
            ids = {id(r) for r in chosen}
            self._queue = collections.deque(r for r in self._queue if id(r) not in ids)
        if self.metrics is not None:
            self.metrics.pending.dec(len(chosen))
        return chosen

    def _run(self, batch):
        start = time.perf_counter()
        try:
            arrays, total, padded = self._assemble(batch)
            with calling_site(self._site):  # a unigrad error inside names the model, not this thread
                outputs = self.model.run(arrays)
            pieces = self._split(batch, outputs, padded)
        except Exception as exc:  # the model failed: every request of the batch gets the error
            error = exc if isinstance(exc, ServeError) else ServeError(
                f"model '{self.model.name}' version {self.model.version} failed on a batch of "
                f"{sum(r.size for r in batch)}: {type(exc).__name__}: {exc}")
            _deliver([(request, None, error) for request in batch])
            return
        compute = time.perf_counter() - start
        if self.metrics is not None:
            self.metrics.executed(total, len(batch), compute)
        for request in batch:
            request.queue_s, request.compute_s, request.batch = start - request.arrival, compute, total
        _deliver([(request, piece, None) for request, piece in zip(batch, pieces)])

    def _assemble(self, batch):
        """The model's inputs for the batch: requests stacked on axis 0, padded to an allowed size."""
        total = sum(r.size for r in batch)
        if not self.pad_sizes:  # a model without a batch axis: one request per run, as sent
            return batch[0].inputs, total, total
        padded = next(s for s in self.pad_sizes if s >= total)
        arrays = []
        for i in range(len(batch[0].inputs)):
            parts = [r.inputs[i] for r in batch]
            if padded > total:
                parts.append(np.repeat(parts[0][:1], padded - total, axis=0))
            arrays.append(parts[0] if len(parts) == 1 else np.concatenate(parts))
        return arrays, total, padded

    def _split(self, batch, outputs, padded):
        if not self.pad_sizes:
            return [outputs]
        for spec, out in zip(self.model.runner.outputs, outputs):
            if out.ndim == 0 or out.shape[0] != padded:
                raise ServeError(f"model '{self.model.name}' version {self.model.version}: output {spec.name} has "
                                 f"shape {list(out.shape)} for a batch of {padded}; a batching model must keep "
                                 "the batch on axis 0 (set max_batch_size = 0 to serve it unbatched)")
        pieces, offset = [], 0
        for request in batch:
            pieces.append([out[offset:offset + request.size] for out in outputs])
            offset += request.size
        return pieces


def _deliver(results):
    """Call each request's `done`: directly, or grouped into one call per event loop."""
    by_loop = {}
    for request, outputs, error in results:
        if request.loop is None:
            request.done(outputs, error)
        else:
            by_loop.setdefault(request.loop, []).append((request.done, outputs, error))
    for loop, calls in by_loop.items():
        try:
            loop.call_soon_threadsafe(_call_all, calls)
        except RuntimeError:  # the loop has closed (server shutting down): nobody awaits these
            pass


def _call_all(calls):
    for done, outputs, error in calls:
        done(outputs, error)
