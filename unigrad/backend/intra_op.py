"""Intra-op parallelism for the NumPy kernels that are not BLAS calls.

NumPy's ufuncs and reductions run on one core; PyTorch splits a large elementwise or row-wise
kernel over its threads. A kernel here that works on independent blocks (rows of a language
model's 700 x 10,000 logits, say) hands them to `parallel_for`, which runs them on a small pool
of threads: NumPy releases the GIL inside each pass, so the blocks really run at once. The
number of threads is the BLAS thread count (`ug.set_num_threads`, threadpoolctl limits, the
OPENBLAS/OMP environment), so one setting governs all of unigrad's CPU parallelism.

Waking a pool thread costs tens of microseconds, so only kernels of MIN_WORK or more split.
"""
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from .blas_threads import get_num_threads, shorten_blas_spin

MIN_WORK = 1 << 20  # elements times passes: ~1 ms on one core. Sub-millisecond kernels gained nothing
# measured (a 0.5 ms transposed copy: 0.4 ms alone, slower right after a GEMM, whose helpers still spin)

_pool = None
_pool_size = 0
_pool_lock = threading.Lock()
_inside = threading.local()  # set in pool threads: a kernel they run does not split again


def _forget_pool_after_fork():
    """A forked child has none of the parent's threads: a pool it inherited would queue work that
    no thread runs (a hang), so the child starts its own on first use."""
    global _pool, _pool_size, _pool_lock
    _pool, _pool_size, _pool_lock = None, 0, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool_after_fork)


def threads_for(work):
    """How many threads a kernel should use (1: run it inline) for `work` elements times passes."""
    if work < MIN_WORK or getattr(_inside, "active", False):
        return 1
    return get_num_threads()


def _executor(workers):
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None:
            shorten_blas_spin()  # before our threads exist (it is skipped while other threads run)
        if _pool_size < workers:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool = ThreadPoolExecutor(workers, thread_name_prefix="unigrad-intra-op",
                                       initializer=lambda: setattr(_inside, "active", True))
            _pool_size = workers
        return _pool


def parallel_for(fn, items, threads):
    """fn(group) for `items` split into up to `threads` contiguous groups (lists) run at once, the
    calling thread running the first; fn(items) inline when one thread is asked for. A group can
    then share one temporary across its items. An exception in any group is raised here, after
    all groups have finished (none is left writing into arrays the caller then reuses)."""
    items = list(items)
    threads = min(threads, len(items))
    if threads <= 1:
        fn(items)
        return
    bounds = [len(items) * k // threads for k in range(threads + 1)]
    groups = [items[bounds[k]:bounds[k + 1]] for k in range(threads)]
    pool = _executor(threads - 1)
    futures = [pool.submit(fn, group) for group in groups[1:]]
    error = None
    try:
        fn(groups[0])
    except BaseException as e:  # wait for the others before raising
        error = e
    for future in futures:
        try:
            future.result()
        except BaseException as e:
            error = error or e
    if error is not None:
        raise error
