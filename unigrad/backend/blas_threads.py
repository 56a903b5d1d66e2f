"""Run small-GEMM work with one BLAS thread.

OpenBLAS splits any GEMM above ~0.26 MFLOP over all cores. When a compiled graph's GEMMs are
all small (batch-1 inference), the helper thread gains a few microseconds per GEMM but then
spins beside the main thread through the NumPy kernels between GEMMs, which on 2 (hyper)cores
made LeNet batch-1 inference ~30 % slower (docs/benchmarks.md). A plan whose largest GEMM is
under SMALL_GEMM_FLOPS therefore runs with one BLAS thread and restores the count afterwards.
Uses threadpoolctl (small, pure Python) to find the BLAS library; without it nothing changes.

OpenBLAS's helper threads also spin for 2**28 cycles (~0.1 s) after every GEMM before they
sleep, taking the second core from whatever runs next. unigrad's own parallel kernels
(intra_op.py: the softmax of a language model's logits, say) run right after GEMMs and lost
half their gain to that spin (a 700x10,000 log-sum-exp after a GEMM: 18.7 ms instead of 8.1).
`shorten_blas_spin` makes the helpers sleep after 2**20 cycles (~0.4 ms): long enough to stay
awake between the GEMMs of a recurrent loop, short enough to free the core soon after.
"""
import ctypes
import os
import threading

SMALL_GEMM_FLOPS = 8e6
SPIN_CYCLES_LOG2 = 20  # OPENBLAS_THREAD_TIMEOUT's unit: the helpers spin 2**value cycles

_controllers = None  # the BLAS libraries NumPy calls, found on first use; () when none is known


def _blas():
    global _controllers
    if _controllers is None:
        try:
            from threadpoolctl import ThreadpoolController
            libs = ThreadpoolController().select(user_api="blas").lib_controllers
            # SciPy or torch may load BLAS libraries of their own: prefer the one NumPy ships with
            _controllers = tuple([lib for lib in libs if "numpy" in lib.filepath] or libs)
        except Exception:  # no threadpoolctl or an unrecognised BLAS: leave threading alone
            _controllers = ()
    return _controllers


class single_blas_thread:
    """Context manager: one BLAS thread inside, the previous counts restored on exit."""
    __slots__ = ("restore",)

    def __enter__(self):
        self.restore = []
        for lib in _blas():
            previous = lib.get_num_threads()
            if previous not in (None, 1):
                lib.set_num_threads(1)
                self.restore.append((lib, previous))
        return self

    def __exit__(self, *exc):
        for lib, previous in self.restore:
            lib.set_num_threads(previous)
        return False


def set_num_threads(n):
    """torch.set_num_threads: how many threads the BLAS library (GEMMs, convolutions) uses, and
    with it unigrad's own large kernels (intra_op.py). On a
    machine that other jobs share, 1 is often fastest: OpenBLAS's helper threads spin while they
    wait for a core, and a LeNet step took 10-20x longer with 2 threads than with 1 under load.
    The environment's OPENBLAS_NUM_THREADS / OMP_NUM_THREADS set the starting count."""
    n = int(n)
    if n < 1:
        raise ValueError(f"set_num_threads: expected a positive number of threads, got {n}")
    for lib in _blas():
        lib.set_num_threads(n)


def get_num_threads():
    """torch.get_num_threads: the BLAS library's thread count (1 when no BLAS library is known)."""
    counts = [lib.get_num_threads() for lib in _blas()]
    return max([c for c in counts if c] or [1])


def shorten_blas_spin():
    """Restart OpenBLAS's helper threads with a SPIN_CYCLES_LOG2 spin; True when done. OpenBLAS
    reads OPENBLAS_THREAD_TIMEOUT only when it starts its threads (and keeps the value it read
    when a later start finds the variable unset), so this sets the variable, has the library
    re-read its environment, stops the helpers and starts them again (what OpenBLAS itself does
    after a fork), then unsets it so child processes start with their own default. Left alone
    when the user set OPENBLAS_THREAD_TIMEOUT, when the BLAS is not a pthreads OpenBLAS exporting
    those entry points, and when other Python threads run (one could be inside BLAS)."""
    if "OPENBLAS_THREAD_TIMEOUT" in os.environ or threading.active_count() > 1:
        return False
    done = False
    for lib in _blas():
        if getattr(lib, "internal_api", None) != "openblas" or getattr(lib, "threading_layer", None) != "pthreads":
            continue
        try:
            handle = ctypes.CDLL(lib.filepath)
            read_env, shutdown, start = handle.openblas_read_env, handle.blas_thread_shutdown_, handle.blas_thread_init
        except (OSError, AttributeError):
            continue
        os.environ["OPENBLAS_THREAD_TIMEOUT"] = str(SPIN_CYCLES_LOG2)
        try:
            read_env()
            shutdown()
            start()
            done = True
        finally:
            del os.environ["OPENBLAS_THREAD_TIMEOUT"]
            read_env()
    return done
