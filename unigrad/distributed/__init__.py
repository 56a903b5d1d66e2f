"""unigrad.distributed: data-parallel training over MPI (CPU) and NCCL (CUDA), with
torch.distributed's names.

    import unigrad as ug, unigrad.distributed as dist
    dist.init_process_group()          # "mpi" on the CPU, "nccl" with CUDA; rank and world from the launcher
    model = ug.nn.parallel.DistributedDataParallel(Net().to(dist.device()))
    sampler = ug.data.DistributedSampler(dataset, shuffle=True, seed=0)

Launch with `unigrad run -n 4 train.py` (mpiexec with `python -m mpi4py`, which ends the whole
job when one rank raises) or with mpiexec directly. Collectives on tensors work in place, as
torch.distributed's do; every rank must call them in the same order.
"""
from ..backend import process_group as _pg
from ..backend.device import cpu, cuda_available
from ..backend.process_group import ReduceOp
from ..core.tensor import Tensor
from ..errors import DistributedError, InvalidArgumentError, InvalidTypeError

__all__ = ["init_process_group", "destroy_process_group", "is_available", "is_initialized", "is_mpi_available",
           "is_nccl_available", "get_rank", "get_world_size", "get_local_rank", "get_backend", "device", "barrier",
           "all_reduce", "broadcast", "all_gather", "reduce_scatter", "average", "save", "ReduceOp",
           "DistributedError"]


def is_mpi_available():
    try:
        from mpi4py import MPI  # noqa: F401
        return True
    except ImportError:
        return False


def is_nccl_available():
    if not cuda_available():
        return False
    try:
        from cupy.cuda import nccl
        return bool(nccl.available)
    except ImportError:
        return False


def is_available():
    return is_mpi_available()


def init_process_group(backend=None, init_method=None, world_size=-1, rank=-1, **unused):
    """Join the job's process group: backend "mpi" (CPU tensors) or "nccl" (CUDA tensors, one GPU
    per local rank); the default is "nccl" when CUDA and NCCL are there, else "mpi". Rank and
    world size come from the MPI launcher; world_size/rank, if given, must agree with it."""
    if _pg.current() is not None:
        raise DistributedError("init_process_group: this process is in a process group already; call "
                               "destroy_process_group() first")
    if backend is None:
        backend = "nccl" if is_nccl_available() else "mpi"
    backend = str(backend).lower()
    if backend == "mpi":
        from .mpi_group import MPIGroup
        group = MPIGroup()
    elif backend == "nccl":
        from .nccl_group import NCCLGroup
        group = NCCLGroup()
    else:
        raise InvalidArgumentError(f"init_process_group: backend must be 'mpi' or 'nccl', got {backend!r} "
                                   "(gloo is not needed: 'mpi' covers the CPU)")
    for name, given, actual in (("world_size", world_size, group.size), ("rank", rank, group.rank)):
        if given not in (-1, None) and given != actual:
            raise InvalidArgumentError(f"init_process_group: {name}={given}, but the launcher started this process "
                                       f"as {name} {actual}")
    _pg.set_current(group)
    _quiet_unless_shown(group.rank)
    return group


def _quiet_unless_shown(rank):
    """Under `unigrad run`, ranks whose output was not asked for print nothing to stdout (logs
    and progress come once, from rank 0); their stderr, where errors go, is kept."""
    import os
    import sys
    from .launch import OUTPUT_RANKS
    shown = os.environ.get(OUTPUT_RANKS)
    if shown is None or shown == "all":
        return
    try:
        ranks = {int(r) for r in shown.split(",") if r.strip()}
    except ValueError:
        raise InvalidArgumentError(f"{OUTPUT_RANKS}={shown!r}: expected 'all' or ranks such as '0,2'") from None
    if rank not in ranks:
        sys.stdout = open(os.devnull, "w")


def destroy_process_group():
    group = _pg.current()
    if group is not None:
        group.close()
        _pg.set_current(None)


def is_initialized():
    return _pg.current() is not None


def _group():
    group = _pg.current()
    if group is None:
        raise DistributedError("no process group: call unigrad.distributed.init_process_group() first (and launch "
                               "with `unigrad run -n N script.py`)")
    return group


def get_rank():
    return _pg.rank()


def get_world_size():
    return _pg.world_size()


def get_local_rank():
    group = _pg.current()
    return group.local_rank if group is not None else 0


def get_backend():
    return _group().backend


def device():
    """The device this rank computes on: its local GPU with the nccl backend, else the CPU."""
    group = _pg.current()
    if group is not None and group.backend == "nccl":
        return group.device
    return cpu


def barrier():
    _group().barrier()


def _array(tensor, name):
    if not isinstance(tensor, Tensor):
        raise InvalidTypeError(f"{name}: expected a Tensor, got {type(tensor).__name__}")
    return tensor._data


def _changed(tensor):
    tensor._vc[0] += 1  # written in place: autograd's saved-value checks see it


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Combine `tensor` across the ranks in place (sum, avg, product, min or max). With async_op
    a Work is returned: its wait() must come before the tensor is read."""
    work = (group or _group()).all_reduce(_array(tensor, "all_reduce"), op, async_op)
    _changed(tensor)
    return work if async_op else None


def broadcast(tensor, src=0, group=None, async_op=False):
    """Overwrite `tensor` in place with rank `src`'s. (Done when it returns: async_op gives a
    Work that is complete.)"""
    (group or _group()).broadcast(_array(tensor, "broadcast"), src)
    _changed(tensor)
    return _done() if async_op else None


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """Fill tensor_list (one tensor per rank) with every rank's `tensor`."""
    g = group or _group()
    if len(tensor_list) != g.size:
        raise InvalidArgumentError(f"all_gather: tensor_list has {len(tensor_list)} tensors for {g.size} ranks")
    gathered = g.all_gather(_array(tensor, "all_gather"))
    for out, part in zip(tensor_list, gathered):
        out._data[...] = part
        _changed(out)
    return _done() if async_op else None


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """output = this rank's share of the reduction of every rank's input_list (one tensor per rank)."""
    g = group or _group()
    if len(input_list) != g.size:
        raise InvalidArgumentError(f"reduce_scatter: input_list has {len(input_list)} tensors for {g.size} ranks")
    xp = output._device.xp
    stacked = xp.stack([_array(t, "reduce_scatter") for t in input_list])
    output._data[...] = g.reduce_scatter(stacked, op)
    _changed(output)
    return _done() if async_op else None


def _done():
    from .mpi_group import _Done
    return _Done()


def average(value):
    """A Python number (a metric) averaged over the ranks; the number itself in one process."""
    group = _pg.current()
    if group is None or group.size == 1:
        return value
    import numpy as np
    buf = np.asarray([float(value)], dtype=np.float64)
    if group.backend == "nccl":
        buf = group.xp.asarray(buf)
        group.all_reduce(buf, ReduceOp.AVG)
        return float(buf.get()[0])
    group.all_reduce(buf, ReduceOp.AVG)
    return float(buf[0])


def save(obj, path):
    """ug.save on rank 0 only (every rank waits for it): checkpoints are written once per job."""
    from .. import io
    if get_rank() == 0:
        io.save(obj, path)
    if is_initialized():
        barrier()

