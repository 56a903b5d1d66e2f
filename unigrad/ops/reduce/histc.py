"""histc: counts of input's elements in equal-width bins between min and max (no gradient)."""
import numpy as np

from ...errors import InvalidArgumentError
from ..dispatch import dispatch
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn


def _forward(xp, x, bins=100, min=0.0, max=0.0):
    flat = x.reshape(-1)
    lo, hi = float(min), float(max)
    if lo == hi and flat.size:  # torch: the data's own range
        lo, hi = float(flat.min()), float(flat.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    inside = flat[(flat >= lo) & (flat <= hi)]
    counts, _ = xp.histogram(inside, bins=bins, range=(lo, hi))
    return counts.astype(x.dtype)


histc_op = OpDef(
    name="histc", forward=_forward, diff_outputs=(), variants=Variants(methods=("histc",)),
    samples=lambda: [Sample((randn(50),), {"bins": 5}, grad=False),
                     Sample((randn(4, 6),), {"bins": 4, "min": -1.0, "max": 1.0}, grad=False),
                     Sample((np.zeros(3),), {"bins": 3}, grad=False)],
    torch_ref=lambda torch, x, bins=100, min=0.0, max=0.0: torch.histc(x, bins, min, max), reference=_forward)


def histc(input, bins=100, min=0, max=0):
    """A histogram of input's elements: `bins` equal-width bins from min to max (both 0: the
    data's smallest and largest values), elements outside ignored, counts in input's dtype, as
    torch.histc.

    Example::

        >>> ug.histc(ug.tensor([1.0, 2.0, 1.0, 4.0]), bins=3, min=1, max=4)
        tensor([2., 1., 1.])
    """
    if bins <= 0 or min > max:
        raise InvalidArgumentError(f"histc: need bins > 0 and min <= max, got bins={bins}, min={min}, max={max}")
    if not input.dtype.is_floating_point:
        raise InvalidArgumentError(f"histc: expected a floating point input, got {input.dtype}")
    return dispatch(histc_op, (input,), {"bins": int(bins), "min": float(min), "max": float(max)})


register(histc_op, public=histc)
