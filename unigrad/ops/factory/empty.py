"""empty and empty_like: tensors whose values are whatever the memory held (for filling later)."""
from ...backend import dtypes as _dt
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from .common import device_and_dtype, like, made, size_of


def _infer(size, dtype=None, device=None):
    return Spec(tuple(size), dtype or _dt.get_default_dtype())


empty_op = OpDef(
    name="empty", forward=lambda xp, size, dtype, device: xp.empty(size, dtype=dtype.np), diff_outputs=(),
    onnx=Onnx(emit=lambda e, size, dtype, device: e.full(size, 0, dtype)),
    infer=_infer, device_attr="device",
    # values are unspecified: the samples are empty or compared through a zero-size shape only
    samples=lambda: [Sample(((0, 3),), grad=False), Sample(((2, 0),), grad=False)],
    torch_ref=lambda torch, size: torch.empty(size))


def empty(*size, dtype=None, device=None, requires_grad=False):
    """A tensor of shape `size` with unspecified values (fill it before reading), in dtype
    (default float) on device (default 'cpu').

    Example::

        >>> ug.empty(2, 3).shape
        unigrad.Size([2, 3])
    """
    device, dtype = device_and_dtype(device, dtype)
    return made(dispatch(empty_op, (), {"size": size_of(size, "empty"), "dtype": dtype, "device": device}),
                requires_grad)


def empty_like(input, dtype=None, device=None, requires_grad=False):
    """An uninitialised tensor of input's shape, dtype and device (unless given)."""
    dtype, device = like(input, dtype, device, "empty_like")
    return empty(tuple(input.shape), dtype=dtype, device=device, requires_grad=requires_grad)


def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
    """An uninitialised tensor of shape `size`, in self's dtype and device unless given."""
    return empty(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


register(empty_op, public=empty)
register(OpDef(name="empty_like", impl=empty_like, variants=Variants(methods={"new_empty": new_empty}), samples=lambda: [Sample((randn(0, 3),), grad=False)],
               torch_ref=lambda torch, x: torch.empty_like(x)))
