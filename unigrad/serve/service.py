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
            request = InferRequest(arrays, size, _settler(loop, future))
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
                outputs = await self._wait(future, request, disconnected)
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

    async def _wait(self, future, request, disconnected):
        if disconnected is None:
            try:
                return await asyncio.wait_for(future, self.timeout)
            except asyncio.TimeoutError:
                raise DeadlineExceeded(f"no result within the server's request timeout of {self.timeout:g} s "
                                       f"(the model's queue holds {request.size} rows more)") from None
        watcher = asyncio.ensure_future(disconnected())
        try:
            done, _ = await asyncio.wait((future, watcher), timeout=self.timeout,
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            watcher.cancel()
        if future in done:
            return future.result()
        future.cancel()
        if watcher in done:
            raise RequestCancelled("the client closed the connection before the result was ready")
        raise DeadlineExceeded(f"no result within the server's request timeout of {self.timeout:g} s")


def _settler(loop, future):
    """The batcher's callback: hand the result to the event loop thread."""
    def settle(outputs, error):
        if outputs is None and error is None:
            return  # a cancelled request dropped from the queue; nobody awaits it
        loop.call_soon_threadsafe(_settle, future, outputs, error)
    return settle


def _settle(future, outputs, error):
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(outputs)


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
