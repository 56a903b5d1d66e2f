"""arange: evenly spaced values in [start, end) with a step."""
import math

from ...backend import dtypes as _dt
from ...errors import InvalidArgumentError
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Sample, register
from ..spec import Spec
from .common import device_and_dtype, made, torch_dtype


def _count(start, end, step):
    """How many values NumPy's arange gives: ceil((end - start) / step), at least 0."""
    return max(0, math.ceil((end - start) / step))


def _infer(start, end, step, dtype=None, device=None):
    return Spec((_count(start, end, step),), dtype or _dt.result_dtype([], [start, end, step]))


arange_op = OpDef(
    name="arange", forward=lambda xp, start, end, step, dtype, device: xp.arange(start, end, step, dtype=dtype.np),
    onnx=Onnx(emit=lambda e, start, end, step, dtype, device: e.arange(start, end, step, dtype)),
    diff_outputs=(), infer=_infer, device_attr="device",
    samples=lambda: [Sample((), {"start": 0, "end": 5, "step": 1}, grad=False),
                     Sample((), {"start": 1.0, "end": 2.0, "step": 0.25}, grad=False),
                     Sample((), {"start": 10, "end": 1, "step": -3}, grad=False)],
    torch_ref=lambda torch, start, end, step, dtype=None: torch.arange(
        start, end, step, dtype=None if dtype is None else torch_dtype(torch, dtype)),
    reference=lambda np, start, end, step, dtype=None: np.arange(start, end, step))


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """Values from `start` up to (not including) `end`, `step` apart; ``arange(n)`` is 0 .. n-1.

    The dtype is int64 when start, end and step are ints, the default float otherwise.

    Example::

        >>> ug.arange(4)
        tensor([0, 1, 2, 3])
        >>> ug.arange(0, 1, 0.25)
        tensor([0.  , 0.25, 0.5 , 0.75])
    """
    if end is None:
        start, end = 0, start
    if step == 0:
        raise InvalidArgumentError("arange: step must be nonzero")
    if dtype is None:
        dtype = _dt.result_dtype([], [start, end, step])
    device, dtype = device_and_dtype(device, dtype)
    out = dispatch(arange_op, (), {"start": start, "end": end, "step": step, "dtype": dtype, "device": device})
    return made(out, requires_grad)


register(arange_op, public=arange)
