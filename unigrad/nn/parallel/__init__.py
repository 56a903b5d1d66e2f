"""ug.nn.parallel: DistributedDataParallel (data-parallel training across processes; see
unigrad.distributed). DataParallel, PyTorch's single-process multi-GPU wrapper, is not offered:
PyTorch itself recommends DistributedDataParallel instead."""
from .distributed import DistributedDataParallel, DistributedError

__all__ = ["DistributedDataParallel", "DistributedError"]
