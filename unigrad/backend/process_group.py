"""The process group a data-parallel job runs in, as every layer sees it.

`unigrad.distributed.init_process_group` makes a group (MPI on CPU, NCCL on CUDA) and sets it
here, so that the layers below it (the all_reduce op, DistributedSampler, DistributedDataParallel)
reach the job's collectives without importing the front end. Without a group a program is one
process: rank 0 of a world of 1.
"""


class ReduceOp:
    """How a collective combines the ranks' values (torch.distributed.ReduceOp's names)."""
    SUM = "sum"
    AVG = "avg"
    PRODUCT = "product"
    MIN = "min"
    MAX = "max"
    ALL = (SUM, AVG, PRODUCT, MIN, MAX)


class ProcessGroup:
    """The collectives a group offers, on raw NumPy/CuPy arrays (unigrad.distributed implements
    them; this base class is the interface). Every rank must call them in the same order."""
    backend = None
    rank = 0
    size = 1
    local_rank = 0

    def all_reduce(self, array, op=ReduceOp.SUM, async_op=False):
        """Combine `array` across the ranks in place; a Work to wait on when async_op."""
        raise NotImplementedError

    def broadcast(self, array, src=0):
        """Overwrite `array` in place with rank `src`'s."""
        raise NotImplementedError

    def all_gather(self, array):
        """Every rank's `array`, stacked along a new first axis (same shape on every rank)."""
        raise NotImplementedError

    def reduce_scatter(self, array, op=ReduceOp.SUM):
        """Combine `array` (first axis = world size) across ranks; this rank's slice of the result."""
        raise NotImplementedError

    def barrier(self):
        raise NotImplementedError


class _State:
    group = None


_state = _State()


def current():
    """The job's process group, or None in a single-process program."""
    return _state.group


def set_current(group):
    _state.group = group


def rank():
    return _state.group.rank if _state.group is not None else 0


def world_size():
    return _state.group.size if _state.group is not None else 1
