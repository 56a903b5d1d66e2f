"""The inference path every protocol shares: resolve the version, check the inputs against the
model, queue them on the version's batcher and await the result on the event loop."""
import asyncio
import time

import numpy as np

from .batcher import BatcherClosed, InferRequest
from .errors import InvalidRequest, ModelUnavailable, RequestCancelled, ServeError


class DeadlineExceeded(ServeError):
    """The result was not ready within the server's request timeout."""
    code = "DEADLINE_EXCEEDED"


class InferenceService:
    """Shared by TF Serving REST, KServe REST and KServe gRPC."""

    def __init__(self, manager, timeout=30.0):
        self.manager, self.timeout = manager, timeout

    async def infer(self, name, version, label, decode, disconnected=None):
        """(Version, outputs) for the inputs `decode(served_model)` builds (a dict name -> array).

        `disconnected`, when given, is a coroutine function that returns once the client has gone;
        the request is then dropped from the queue (or its result discarded)."""
        loop = asyncio.get_running_loop()
        for _ in range(3):
            target = self.manager.resolve(name, version, label)
            served, metrics = target.served, target.metrics
            try:
                arrays, size = check_inputs(served, decode(served))
            except ServeError as exc:
                if metrics is not None:
                    metrics.failed(exc.code)
                raise
            future = loop.create_future()
            request = InferRequest(arrays, size, _settler(future), loop)
            try:
                target.submit(request)
            except BatcherClosed:
                continue  # unloading: its successor is published already
            except ServeError as exc:
                if metrics is not None:
                    metrics.failed(exc.code)
                raise
            if metrics is not None:
                metrics.in_flight.inc()
            try:
                outputs = await self._wait(loop, future, request, disconnected)
            except BaseException as exc:
                request.cancel()
                if metrics is not None:
                    metrics.in_flight.dec()
                    metrics.failed(getattr(exc, "code", "CANCELLED" if isinstance(exc, asyncio.CancelledError)
                                           else "INTERNAL"))
                raise
            if metrics is not None:
                metrics.in_flight.dec()
                metrics.finished(request, time.perf_counter() - request.arrival)
            return target, outputs
        raise ModelUnavailable(f"model '{name}' is being reloaded; retry")

    async def _wait(self, loop, future, request, disconnected):
        """The result, or the watcher's error: most requests answer within milliseconds, so the
        client-gone watcher (a task) starts only for those still waiting after WATCH_AFTER."""
        watchers = []

        def watch():
            watchers.append(asyncio.ensure_future(self._watch(future, disconnected, self.timeout - WATCH_AFTER)))
        handle = loop.call_later(min(WATCH_AFTER, self.timeout), watch)
        try:
            return await future
        finally:
            handle.cancel()
            for w in watchers:
                w.cancel()

    async def _watch(self, future, disconnected, timeout):
        """Fail `future` when the client goes away or the request timeout passes."""
        if disconnected is None:
            await asyncio.sleep(max(timeout, 0))
            error = DeadlineExceeded(f"no result within the server's request timeout of {self.timeout:g} s")
        else:
            try:
                await asyncio.wait_for(disconnected(), max(timeout, 0))
                error = RequestCancelled("the client closed the connection before the result was ready")
            except asyncio.TimeoutError:
                error = DeadlineExceeded(f"no result within the server's request timeout of {self.timeout:g} s")
        if not future.done():
            future.set_exception(error)


WATCH_AFTER = 0.02  # seconds


def _settler(future):
    """The request's `done`, run in the event loop's thread."""
    def settle(outputs, error):
        if future.done():
            return  # the client went away or timed out meanwhile
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(outputs)
    return settle


def check_inputs(served, named):
    """Inputs in the model's order and the request's batch size; errors name the input and shapes."""
    missing = [s.name for s in served.inputs if s.name not in named]
    unknown = [n for n in named if n not in served.input_index]
    if unknown:
        raise InvalidRequest(f"model '{served.name}' has no input {_names(unknown)}; its inputs are "
                             f"{_signature(served.inputs)}")
    if missing:
        raise InvalidRequest(f"model '{served.name}' needs input {_names(missing)} too; its inputs are "
                             f"{_signature(served.inputs)}")
    arrays, size = [], None
    for spec in served.inputs:
        a = named[spec.name]
        if a.dtype != spec.dtype:
            raise InvalidRequest(f"input '{spec.name}': datatype {_kserve(a.dtype)} given, model '{served.name}' "
                                 f"takes {spec.datatype}")
        fits = a.ndim == len(spec.shape) and all(d < 0 or d == n for d, n in zip(spec.shape, a.shape))
        if not fits:
            raise InvalidRequest(f"input '{spec.name}': shape {list(a.shape)} given, model '{served.name}' takes "
                                 f"{list(spec.shape)} (-1: any size)")
        if served.max_batch_size:
            if size is None:
                size = a.shape[0]
            elif a.shape[0] != size:
                raise InvalidRequest(f"inputs of one request must share their batch size (axis 0): input "
                                     f"'{spec.name}' has {a.shape[0]}, an earlier input {size}")
        arrays.append(a)
    if served.max_batch_size:
        if size == 0:
            raise InvalidRequest(f"the request's batch is empty (axis 0 of the inputs is 0)")
        if size > served.max_batch_size:
            raise InvalidRequest(f"the request's batch of {size} exceeds model '{served.name}''s max_batch_size of "
                                 f"{served.max_batch_size}; split it into smaller requests")
    return arrays, (size or 1)


def _kserve(dtype):
    from .datatypes import NUMPY_TO_KSERVE
    return NUMPY_TO_KSERVE.get(np.dtype(dtype), str(dtype))


def _names(names):
    return ", ".join(f"'{n}'" for n in names)


def _signature(specs):
    return ", ".join(f"'{s.name}' {s.describe()}" for s in specs)
