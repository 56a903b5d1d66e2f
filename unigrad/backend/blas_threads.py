"""Run small-GEMM work with one BLAS thread.

OpenBLAS splits any GEMM above ~0.26 MFLOP over all cores. When a compiled graph's GEMMs are
all small (batch-1 inference), the helper thread gains a few microseconds per GEMM but then
spins beside the main thread through the NumPy kernels between GEMMs, which on 2 (hyper)cores
made LeNet batch-1 inference ~30 % slower (docs/benchmarks.md). A plan whose largest GEMM is
under SMALL_GEMM_FLOPS therefore runs with one BLAS thread and restores the count afterwards.
Uses threadpoolctl (small, pure Python) to find the BLAS library; without it nothing changes.
"""
SMALL_GEMM_FLOPS = 8e6

_controller = None  # the BLAS library controller, found on first use; False when there is none


def _blas():
    global _controller
    if _controller is None:
        try:
            from threadpoolctl import ThreadpoolController
            libs = ThreadpoolController().select(user_api="blas").lib_controllers
            _controller = libs[0] if len(libs) == 1 else False
        except Exception:  # no threadpoolctl or an unrecognised BLAS: leave threading alone
            _controller = False
    return _controller


class single_blas_thread:
    """Context manager: one BLAS thread inside, the previous count restored on exit."""
    __slots__ = ("lib", "previous")

    def __enter__(self):
        self.lib = _blas()
        self.previous = None
        if self.lib:
            self.previous = self.lib.get_num_threads()
            if self.previous != 1:
                self.lib.set_num_threads(1)
        return self

    def __exit__(self, *exc):
        if self.previous not in (None, 1):
            self.lib.set_num_threads(self.previous)
        return False
