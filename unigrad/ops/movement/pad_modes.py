"""pad_modes: F.pad's 'reflect', 'replicate' and 'circular' modes, a composite: each padded dim
gathers its source positions with index_select (so the gradient adds back where a position was
copied more than once)."""
import numpy as np

from ...core.tensor import tensor as _tensor
from ...errors import InvalidArgumentError, ShapeError
from .. import api as F
from ..registry import INTERNAL, OpDef, Sample, register
from ..sampling import randn


def _positions(n, left, right, mode):
    core = np.arange(n)
    if mode == "reflect":
        if left >= n or right >= n:
            raise ShapeError(f"pad: reflect padding ({left}, {right}) must be smaller than the dim's size {n}")
        return np.concatenate([core[1:left + 1][::-1], core, core[n - 1 - right:n - 1][::-1]])
    if mode == "replicate":
        return np.concatenate([np.zeros(left, dtype=core.dtype), core, np.full(right, n - 1)])
    if left > n or right > n:
        raise ShapeError(f"pad: circular padding ({left}, {right}) must be at most the dim's size {n}")
    return np.concatenate([core[n - left:], core, core[:right]])


def pad_modes(input, pad, mode):
    """input padded by repeating its own values: 'reflect' mirrors without the edge, 'replicate'
    repeats the edge, 'circular' wraps around; ``pad`` lists (left, right) widths from the last
    dim backwards, as torch.nn.functional.pad.

    Example::

        >>> from unigrad.ops.movement.pad_modes import pad_modes
        >>> pad_modes(ug.tensor([[1.0, 2.0, 3.0]]), (2, 1), "reflect")
        tensor([[3., 2., 1., 2., 3., 2.]])
    """
    if mode not in ("reflect", "replicate", "circular"):
        raise InvalidArgumentError(f"pad: mode must be 'constant', 'reflect', 'replicate' or 'circular', got {mode!r}")
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2 or len(pad) // 2 > input.ndim:
        raise ShapeError(f"pad: {len(pad)} widths do not pair up over the dims of shape {tuple(input.shape)}")
    if any(p < 0 for p in pad):
        raise InvalidArgumentError(f"pad: mode {mode!r} needs non-negative widths, got {pad}")
    out = input
    for i in range(len(pad) // 2):
        left, right = pad[2 * i], pad[2 * i + 1]
        if left or right:
            d = input.ndim - 1 - i
            index = _positions(input.shape[d], left, right, mode)
            out = F.index_select(out, d, _tensor(index.astype(np.int64), device=input.device))
    return out


register(OpDef(name="pad_modes", impl=pad_modes, variants=INTERNAL,
               samples=lambda: [Sample((randn(2, 3, 5), (2, 1), "reflect")), Sample((randn(2, 4, 5), (1, 2, 2, 0), "replicate")),
                                Sample((randn(1, 2, 4, 5), (1, 1, 3, 2), "circular")),
                                Sample((randn(1, 2, 3, 3, 3), (1, 1, 1, 1, 2, 2), "replicate"))],
               torch_ref=lambda torch, x, pad, mode: torch.nn.functional.pad(x, pad, mode=mode)))
