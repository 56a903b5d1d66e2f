"""Keep freed array memory inside the process (glibc would hand it back to the OS every step).

Training allocates and frees the same large temporaries each step; with glibc's defaults every
such buffer is mmap'd and unmapped again, costing ~1,000 page faults per MLP step (see
docs/benchmarks.md). Raising the mmap and trim thresholds makes malloc reuse them.
"""
import ctypes
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3


def _tune_glibc():
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        limit = 1 << 30
        return bool(libc.mallopt(M_MMAP_THRESHOLD, limit)) and bool(libc.mallopt(M_TRIM_THRESHOLD, 2 * limit))
    except (OSError, AttributeError):
        return False


TUNED = _tune_glibc()
