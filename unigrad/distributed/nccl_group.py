"""The NCCL process group: collectives on CuPy arrays through cupy.cuda.nccl, one GPU per
local rank, bootstrapped over MPI (rank 0's NCCL id is broadcast as bytes in a buffer).

Collectives run on a stream of the group's own, after the work already queued on the caller's
stream (an event orders them), so they overlap later kernels; waiting makes the caller's stream
wait for them. The PyPI MPI wheels are not CUDA-aware, so NCCL carries every GPU buffer.
"""
import numpy as np

from ..backend.device import Device, cuda_available
from ..backend.process_group import ProcessGroup, ReduceOp
from ..errors import DeviceError, InvalidArgumentError
from .mpi_group import Work, _mpi

_NCCL_ID_BYTES = 128


class _StreamWork(Work):
    """A collective queued on the group's stream: wait() orders the caller's stream after it."""
    __slots__ = ("event", "xp")

    def __init__(self, event, xp):
        super().__init__()
        self.event, self.xp = event, xp
        self._done.set()

    def wait(self, timeout=None):
        self.xp.cuda.get_current_stream().wait_event(self.event)
        return True

    def is_completed(self):
        return self.event.done


class NCCLGroup(ProcessGroup):
    backend = "nccl"

    def __init__(self):
        if not cuda_available():
            raise DeviceError("the 'nccl' backend needs CUDA (CuPy and a GPU); use backend='mpi' on the CPU")
        import cupy
        from cupy.cuda import nccl
        if not nccl.available:
            raise DeviceError("CuPy's NCCL is not loaded: pip install 'nvidia-nccl-cu12>=2.18.1,<3'")
        MPI = _mpi()
        comm = MPI.COMM_WORLD
        self.rank, self.size = comm.Get_rank(), comm.Get_size()
        self.local_rank = comm.Split_type(MPI.COMM_TYPE_SHARED).Get_rank()
        self.device = Device("cuda", self.local_rank)
        self.xp, self.nccl, self.mpi_comm = cupy, nccl, comm
        with self.device.activate():
            uid = np.zeros(_NCCL_ID_BYTES, dtype=np.uint8)
            if self.rank == 0:
                uid[:] = np.frombuffer(bytes(nccl.get_unique_id()), dtype=np.uint8)
            comm.Bcast(uid, root=0)
            self.comm = nccl.NcclCommunicator(self.size, bytes(uid), self.rank)
            self.stream = cupy.cuda.Stream(non_blocking=True)
        self._ops = {ReduceOp.SUM: nccl.NCCL_SUM, ReduceOp.PRODUCT: nccl.NCCL_PROD, ReduceOp.MAX: nccl.NCCL_MAX,
                     ReduceOp.MIN: nccl.NCCL_MIN, ReduceOp.AVG: nccl.NCCL_AVG}
        self._dtypes = {np.dtype(np.float16): nccl.NCCL_FLOAT16, np.dtype(np.float32): nccl.NCCL_FLOAT32,
                        np.dtype(np.float64): nccl.NCCL_FLOAT64, np.dtype(np.int32): nccl.NCCL_INT32,
                        np.dtype(np.int64): nccl.NCCL_INT64, np.dtype(np.uint8): nccl.NCCL_UINT8}

    def _launch(self, fn):
        """Run fn on the group's stream after the caller's queued work; a Work to wait on."""
        caller = self.xp.cuda.get_current_stream()
        ready = self.xp.cuda.Event()
        ready.record(caller)
        self.stream.wait_event(ready)
        fn(self.stream.ptr)
        done = self.xp.cuda.Event()
        done.record(self.stream)
        return _StreamWork(done, self.xp)

    def _check(self, array, name):
        if not isinstance(array, self.xp.ndarray) or not array.flags.c_contiguous:
            raise InvalidArgumentError(f"{name}: the 'nccl' backend reduces contiguous CUDA arrays, got "
                                       f"{type(array).__name__}")
        if array.dtype not in self._dtypes:
            raise InvalidArgumentError(f"{name}: NCCL has no {array.dtype} type")
        return self._dtypes[array.dtype]

    def all_reduce(self, array, op=ReduceOp.SUM, async_op=False):
        dtype = self._check(array, "all_reduce")
        ptr = array.data.ptr
        work = self._launch(lambda s: self.comm.allReduce(ptr, ptr, array.size, dtype, self._ops[op], s))
        if not async_op:
            work.wait()
        return work

    def broadcast(self, array, src=0):
        dtype = self._check(array, "broadcast")
        ptr = array.data.ptr
        self._launch(lambda s: self.comm.bcast(ptr, array.size, dtype, src, s)).wait()
        return array

    def all_gather(self, array):
        dtype = self._check(array, "all_gather")
        out = self.xp.empty((self.size,) + array.shape, dtype=array.dtype)
        self._launch(lambda s: self.comm.allGather(array.data.ptr, out.data.ptr, array.size, dtype, s)).wait()
        return out

    def reduce_scatter(self, array, op=ReduceOp.SUM):
        dtype = self._check(array, "reduce_scatter")
        if not array.shape or array.shape[0] != self.size:
            raise InvalidArgumentError(f"reduce_scatter: the first axis must have the world size {self.size}, "
                                       f"got shape {array.shape}")
        out = self.xp.empty(array.shape[1:], dtype=array.dtype)
        self._launch(lambda s: self.comm.reduceScatter(array.data.ptr, out.data.ptr, out.size, dtype,
                                                       self._ops[op], s)).wait()
        return out

    def barrier(self):
        self.xp.cuda.get_current_stream().synchronize()
        self.mpi_comm.Barrier()

    def flush(self):
        self.stream.synchronize()

    def close(self):
        self.flush()
