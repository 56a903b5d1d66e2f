"""Row-wise log-sum-exp and softmax of large (N, C) logits, a block of rows at a time.

A language model's logits are tens of MB (700 x 10,000 floats: 28 MB). Whole-array NumPy passes
(max, subtract, exp, sum) each stream that from memory; a block of rows that fits in the core's
L2 cache makes the passes after the first read the cache instead, so each function below reads
x from memory once (and writes its result once). On other backends (CuPy) one whole-array pass
per step is already right: they take the unblocked path.
"""
import numpy as np

from ...backend.intra_op import parallel_for, threads_for

BLOCK_ELEMENTS = 1 << 18  # 1 MB of float32: fits in L2 with its temporary


def _row_blocks(xp, x):
    """Row slices of x covering it in cache-sized blocks (one slice on non-NumPy backends)."""
    rows, cols = x.shape
    step = rows if xp is not np else max(1, BLOCK_ELEMENTS // max(cols, 1))
    return [slice(start, min(start + step, rows)) for start in range(0, rows, step)]


def _by_thread(xp, x, run):
    """run(blocks) over x's row blocks, split between the intra-op threads for large NumPy x (one
    contiguous run of blocks per thread, each with its own temporaries)."""
    parallel_for(run, _row_blocks(xp, x), threads_for(x.size) if xp is np else 1)


def log_sum_exp_rows(xp, x, softmax_scale=None):
    """lse (N,) = log(sum(exp(x), 1)), stable (each row shifted by its max); with softmax_scale (a
    scalar or (N, 1)) also softmax(x) * softmax_scale (N, C). Returns (lse, softmax or None)."""
    lse = xp.empty(x.shape[0], x.dtype)
    out = None if softmax_scale is None else xp.empty(x.shape, x.dtype)
    per_row = getattr(softmax_scale, "ndim", 0) > 0

    def run(blocks):
        if not blocks:
            return
        buf = xp.empty((blocks[0].stop - blocks[0].start,) + x.shape[1:], x.dtype) if out is None else None
        for rows in blocks:
            block = x[rows]
            e = buf[:len(block)] if out is None else out[rows]
            peak = block.max(axis=1, keepdims=True)
            xp.subtract(block, peak, out=e)
            xp.exp(e, out=e)
            norm = e.sum(axis=1, keepdims=True)
            lse[rows] = xp.log(norm[:, 0]) + peak[:, 0]
            if out is not None:
                e *= (softmax_scale[rows] if per_row else softmax_scale) / norm
    _by_thread(xp, x, run)
    return lse, out


def softmax_from_lse(xp, x, lse, scale):
    """softmax(x) * scale from the rows' log-sum-exp lse (N,); scale a scalar or (N, 1). A positive
    NumPy scalar folds into the shift, exp(x - lse + log(scale)): two passes per block."""
    folded = xp is np and getattr(scale, "ndim", 0) == 0 and scale > 0  # (a device scalar's test would wait)
    shift = (lse - xp.log(scale) if folded else lse)[:, None]
    per_row = getattr(scale, "ndim", 0) > 0
    out = xp.empty(x.shape, x.dtype)

    def run(blocks):
        for rows in blocks:
            e = out[rows]
            xp.subtract(x[rows], shift[rows], out=e)
            xp.exp(e, out=e)
            if not folded:
                e *= scale[rows] if per_row else scale
    _by_thread(xp, x, run)
    return out
