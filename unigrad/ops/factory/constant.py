"""constant: a tensor holding a fixed array, recorded as a graph node (constant folding makes it a
graph constant). Internal: what importers (ONNX initializers, shapes computed while importing)
build their fixed values with, so a traced graph holds them as constants rather than capturing a
Tensor made outside it."""
import hashlib

import numpy as np

from ...backend import dtypes as _dt
from ...backend.device import Device, cpu, get_default_device
from ..dispatch import dispatch
from ..registry import INTERNAL, Onnx, OpDef, Sample, register
from ..sampling import randn
from ..spec import Spec


class ConstantValue:
    """An array held as an op attribute: equal to another only with the same dtype, shape and
    contents (so CSE merges only equal constants), shown by its shape and a digest. The array is
    made read-only: a graph shares it between runs."""
    __slots__ = ("array", "digest")

    def __init__(self, array):
        shared = isinstance(array, np.ndarray) and not array.flags.writeable and array.flags.c_contiguous
        array = array if shared else np.array(array, order="C")  # (a read-only C array is shared, else copied)
        array.flags.writeable = False
        self.array = array
        self.digest = hashlib.sha1(array.tobytes() if array.dtype != object else repr(array.tolist()).encode(),
                                   usedforsecurity=False).hexdigest()[:12]

    def __eq__(self, other):
        return (isinstance(other, ConstantValue) and other.digest == self.digest
                and other.array.dtype == self.array.dtype and other.array.shape == self.array.shape)

    def __hash__(self):
        return hash((self.digest, self.array.shape))

    def __repr__(self):
        return f"array{self.array.shape}:{self.array.dtype}#{self.digest[:8]}"


def _forward(xp, value, device):
    return value.array if xp is np else xp.asarray(value.array)


def _infer(value, device):
    return Spec(value.array.shape, _dt.dtype_of(value.array))


constant_op = OpDef(
    name="constant", forward=_forward, diff_outputs=(), infer=_infer, device_attr="device", variants=INTERNAL,
    onnx=Onnx(emit=lambda e, value, device: e.const(value.array)),
    samples=lambda: [Sample((), {"value": ConstantValue(randn(2, 3).astype(np.float32)), "device": cpu}, grad=False),
                     Sample((), {"value": ConstantValue(np.arange(4)), "device": cpu}, grad=False),
                     Sample((), {"value": ConstantValue(np.float32(1.5)), "device": cpu}, grad=False)],
    torch_ref=lambda torch, value, device: torch.tensor(value.array),
    reference=lambda np, value, device: value.array)


def constant(value, device=None):
    """A tensor holding `value` (an array, or a ConstantValue), on `device` (default 'cpu'),
    recorded in a traced graph as a constant. It shares the array and is read-only.

    Example::

        >>> from unigrad.ops.factory.constant import constant
        >>> constant(np.array([1, 2, 3]))
        tensor([1, 2, 3])
    """
    if not isinstance(value, ConstantValue):
        value = ConstantValue(value)
    return dispatch(constant_op, (), {"value": value, "device": Device(device) if device is not None else get_default_device()})


register(constant_op, public=constant)
