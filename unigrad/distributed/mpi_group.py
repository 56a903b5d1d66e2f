"""The MPI process group: collectives on NumPy arrays through mpi4py's buffer methods (never the
pickle-based lowercase ones).

Asynchronous collectives run on one communication thread per process, in the order they were
issued, so every rank issues them in the same order and they progress while the main thread
computes (MPICH's nonblocking collectives progress only inside MPI calls; mpi4py releases the
GIL during a blocking call). The thread needs MPI_THREAD_MULTIPLE, which both PyPI MPI wheels
provide.
"""
import queue
import threading
import time

import numpy as np

from ..backend.process_group import ProcessGroup, ReduceOp
from ..errors import DeviceError, InvalidArgumentError


def _mpi():
    try:
        from mpi4py import MPI
    except ImportError as exc:  # the package, or the MPI library under it
        raise DeviceError(f"the 'mpi' backend needs mpi4py and an MPI library: pip install mpi4py mpich ({exc})") \
            from None
    return MPI


class Work:
    """A collective in flight: wait() blocks until it is done (and raises what it raised).
    started/ended: when the communication thread ran it (time.perf_counter), for profiling."""
    __slots__ = ("_done", "_error", "started", "ended")

    def __init__(self):
        self._done = threading.Event()
        self._error = None
        self.started = self.ended = None

    def wait(self, timeout=None):
        if not self._done.wait(timeout):
            raise DeviceError(f"a collective did not finish within {timeout} s: another rank stopped calling "
                              "collectives in the same order (or died)")
        if self._error is not None:
            raise self._error
        return True

    def is_completed(self):
        return self._done.is_set()


class _Done(Work):
    """A collective that completed when it was issued."""

    def __init__(self):
        super().__init__()
        self._done.set()


class MPIGroup(ProcessGroup):
    backend = "mpi"

    def __init__(self, comm=None):
        MPI = _mpi()
        self.MPI = MPI
        self.comm = comm or MPI.COMM_WORLD
        self.rank, self.size = self.comm.Get_rank(), self.comm.Get_size()
        self.local_rank = self.comm.Split_type(MPI.COMM_TYPE_SHARED).Get_rank()
        self._ops = {ReduceOp.SUM: MPI.SUM, ReduceOp.AVG: MPI.SUM, ReduceOp.PRODUCT: MPI.PROD,
                     ReduceOp.MIN: MPI.MIN, ReduceOp.MAX: MPI.MAX}
        self._queue = None
        self._thread = None

    # ---- collectives -----------------------------------------------------------------------
    def all_reduce(self, array, op=ReduceOp.SUM, async_op=False):
        _check_array(array, "all_reduce")
        if op not in self._ops:
            raise InvalidArgumentError(f"all_reduce: op must be one of {ReduceOp.ALL}, got {op!r}")
        if not async_op:
            self.flush()  # it must not overtake the asynchronous ones issued before it
            self._run_all_reduce(array, op)
            return _Done()
        work = Work()
        self._jobs().put((array, op, work))
        return work

    def _run_all_reduce(self, array, op):
        if self.size > 1:
            buf = array if array.flags.c_contiguous else np.ascontiguousarray(array)
            self.comm.Allreduce(self.MPI.IN_PLACE, buf, op=self._ops[op])
            if buf is not array:
                array[...] = buf
        if op == ReduceOp.AVG:
            array /= array.dtype.type(self.size)

    def broadcast(self, array, src=0):
        _check_array(array, "broadcast")
        self.flush()
        if self.size > 1:
            buf = array if array.flags.c_contiguous else np.ascontiguousarray(array)
            self.comm.Bcast(buf, root=src)
            if buf is not array:
                array[...] = buf
        return array

    def all_gather(self, array):
        _check_array(array, "all_gather")
        self.flush()
        out = np.empty((self.size,) + array.shape, dtype=array.dtype)
        self.comm.Allgather(np.ascontiguousarray(array), out)
        return out

    def reduce_scatter(self, array, op=ReduceOp.SUM):
        _check_array(array, "reduce_scatter")
        if not array.shape or array.shape[0] != self.size:
            raise InvalidArgumentError(f"reduce_scatter: the first axis must have the world size {self.size}, "
                                       f"got shape {array.shape}")
        self.flush()
        out = np.empty(array.shape[1:], dtype=array.dtype)
        self.comm.Reduce_scatter_block(np.ascontiguousarray(array), out, op=self._ops[op])
        if op == ReduceOp.AVG:
            out /= out.dtype.type(self.size)
        return out

    def barrier(self):
        self.flush()
        self.comm.Barrier()

    # ---- the communication thread ----------------------------------------------------------
    def _jobs(self):
        if self._thread is None:
            self._queue = queue.Queue()
            self._thread = threading.Thread(target=self._work, name="unigrad-mpi", daemon=True)
            self._thread.start()
        return self._queue

    def _work(self):
        while True:
            array, op, work = self._queue.get()
            if array is None:  # a marker: everything before it is done (or the end, without one)
                if work is None:
                    return
                work._done.set()
                continue
            work.started = time.perf_counter()
            try:
                self._run_all_reduce(array, op)
            except BaseException as exc:  # handed to the waiter, who raises it on the main thread
                work._error = exc
            work.ended = time.perf_counter()
            work._done.set()

    def flush(self):
        """Wait for every asynchronous collective issued so far (a synchronous one must not
        overtake them, or ranks would disagree on the order)."""
        if self._queue is not None:
            marker = Work()
            self._queue.put((None, None, marker))
            marker.wait()

    def close(self):
        if self._thread is not None:
            self._queue.put((None, None, None))
            self._thread.join(timeout=10)
            self._thread = None


def _check_array(array, name):
    if not isinstance(array, np.ndarray):
        raise InvalidArgumentError(f"{name}: the 'mpi' backend reduces NumPy arrays (CPU tensors); got "
                                   f"{type(array).__name__} (CUDA tensors use the 'nccl' backend)")
