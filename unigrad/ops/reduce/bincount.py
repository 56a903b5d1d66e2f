"""bincount: how often each non-negative integer occurs (or the sum of weights at it). Its size
depends on the values: no shape rule, no gradient."""
import numpy as np

from ...backend import dtypes as _dt
from ...errors import InvalidArgumentError, InvalidTypeError
from ..dispatch import dispatch
from ..registry import OpDef, Sample, Variants, register


def _forward(xp, x, *weights, minlength=0):
    if x.size and int(x.min()) < 0:
        raise InvalidArgumentError(f"bincount: input must be non-negative, got a minimum of {int(x.min())}")
    if not weights:
        return xp.bincount(x, minlength=minlength).astype(xp.int64)
    w = weights[0]
    out_dtype = w.dtype if w.dtype.kind == "f" and w.dtype.itemsize < 8 and w.dtype != np.float16 else np.float64
    return xp.bincount(x, weights=w, minlength=minlength).astype(out_dtype)


bincount_op = OpDef(
    name="bincount", forward=_forward, diff_outputs=(), nondiff_inputs=(0, 1),
    variants=Variants(methods=("bincount",)),
    samples=lambda: [Sample((np.array([0, 1, 1, 3, 1]),), grad=False),
                     Sample((np.array([2, 0, 2]),), {"minlength": 6}, grad=False),
                     Sample((np.array([0, 1, 1, 4]), np.array([0.5, 1.0, 2.0, -1.0])), grad=False),
                     Sample((np.zeros(0, dtype=np.int64),), grad=False)],
    torch_ref=lambda torch, x, *w, minlength=0: torch.bincount(x, w[0] if w else None, minlength),
    reference=_forward)


def bincount(input, weights=None, minlength=0):
    """``out[i]`` = how many times i occurs in the 1-D non-negative integer input (or the sum of
    weights where it does), for i up to max(input) or minlength - 1, as torch.bincount: int64
    counts; float32 weights give float32 sums, other weights float64.

    Example::

        >>> ug.bincount(ug.tensor([0, 1, 1, 3]))
        tensor([1, 2, 0, 1])
        >>> ug.bincount(ug.tensor([0, 2]), weights=ug.tensor([0.5, 2.0]), minlength=4)
        tensor([0.5, 0. , 2. , 0. ])
    """
    if input.ndim != 1 or input.dtype.is_floating_point or input.dtype is _dt.bool_:
        raise InvalidTypeError(f"bincount: input must be a 1-D integer tensor, got {input.dtype} of shape "
                               f"{tuple(input.shape)}")
    if weights is not None and tuple(weights.shape) != tuple(input.shape):
        raise InvalidArgumentError(f"bincount: weights must have input's shape {tuple(input.shape)}, got "
                                   f"{tuple(weights.shape)}")
    return dispatch(bincount_op, (input,) + ((weights,) if weights is not None else ()), {"minlength": int(minlength)})


register(bincount_op, public=bincount)
