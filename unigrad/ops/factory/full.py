"""full (a tensor of one value) and the fills built on it: zeros, ones, and their *_like forms."""
from ...backend import dtypes as _dt
from ..dispatch import dispatch
from ...core.grad_mode import state as _grad_state
from ...core.trace_hook import state as _trace
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from .common import device_and_dtype, like, made, size_of, torch_dtype


def _forward(xp, size, fill_value, dtype, device):
    return xp.full(size, fill_value, dtype=dtype.np)


def _infer(size, fill_value, dtype=None, device=None):
    return Spec(tuple(size), dtype or _dt.result_dtype([], [fill_value]))


def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor of shape `size` filled with fill_value, in self's dtype and device unless given."""
    return full(size, fill_value, dtype or self.dtype, device or self.device, requires_grad)


def fill_(self, value):
    """The value self.fill_(value) writes: value everywhere."""
    return full_like(self, value)


full_op = OpDef(
    name="full", forward=_forward, diff_outputs=(), infer=_infer, device_attr="device",
    onnx=Onnx(emit=lambda e, size, fill_value, dtype, device: e.full(size, fill_value, dtype), opset=9),
    variants=Variants(methods={"new_full": new_full}, inplace={"fill_": fill_}),
    samples=lambda: [Sample((), {"size": (2, 3), "fill_value": 1.5, "dtype": _dt.float64}, grad=False),
                     Sample((), {"size": (4,), "fill_value": 7}, grad=False),
                     Sample((), {"size": (), "fill_value": True}, grad=False)],
    torch_ref=lambda torch, size, fill_value, dtype=None: torch.full(
        size, fill_value, dtype=None if dtype is None else torch_dtype(torch, dtype)),
    reference=lambda np, size, fill_value, dtype=None: np.full(size, fill_value))


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor of shape `size` filled with `fill_value`.

    Args:
        size: the shape, a tuple of ints.
        fill_value: the value of every element; it picks the dtype when dtype is None (bool, int64
            for an int, the default float for a float).
        dtype, device: of the result (default: from fill_value, 'cpu').
        requires_grad: make the result a leaf that records gradients.

    Example::

        >>> ug.full((2, 2), 0.5)
        tensor([[0.5, 0.5],
                [0.5, 0.5]])
    """
    if dtype is None:
        dtype = _dt.result_dtype([], [fill_value])
    device, dtype = device_and_dtype(device, dtype)
    out = dispatch(full_op, (), {"size": size_of((size,), "full"), "fill_value": fill_value, "dtype": dtype,
                                 "device": device})
    return made(out, requires_grad)


register(full_op, public=full)


def zeros(*size, dtype=None, device=None, requires_grad=False):
    """A tensor of zeros of shape `size` (``ug.zeros(2, 3)`` or ``ug.zeros((2, 3))``), in dtype
    (default float) on device (default 'cpu').

    Example::

        >>> ug.zeros(2, 3).shape
        unigrad.Size([2, 3])
    """
    device, dtype = device_and_dtype(device, dtype)
    return full(size_of(size, "zeros"), 0, dtype, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    """A tensor of ones of shape `size`, in dtype (default float) on device (default 'cpu').

    Example::

        >>> ug.ones(3)
        tensor([1., 1., 1.])
    """
    device, dtype = device_and_dtype(device, dtype)
    return full(size_of(size, "ones"), 1, dtype, device, requires_grad)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor of input's shape filled with `fill_value`, in input's dtype and device unless given."""
    dtype, device = like(input, dtype, device, "full_like")
    return full(tuple(input.shape), fill_value, dtype, device, requires_grad)


def zeros_like(input, dtype=None, device=None, requires_grad=False):
    """Zeros of input's shape, dtype and device (unless given)."""
    dtype, device = like(input, dtype, device, "zeros_like")
    return full(tuple(input.shape), 0, dtype, device, requires_grad)


def ones_like(input, dtype=None, device=None, requires_grad=False):
    """Ones of input's shape, dtype and device (unless given)."""
    dtype, device = like(input, dtype, device, "ones_like")
    return full(tuple(input.shape), 1, dtype, device, requires_grad)


def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
    """Zeros of shape `size`, in self's dtype and device unless given."""
    return zeros(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
    """Ones of shape `size`, in self's dtype and device unless given."""
    return ones(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


def zero_(self):
    """What self.zero_() writes: zeros (filled straight into self's memory when no tape or trace
    needs to see it)."""
    if not (_grad_state.enabled and self.requires_grad) and not _trace.tracer.active:
        self._data.fill(0)
        return self
    return full_like(self, 0)


register(OpDef(name="zeros", impl=zeros, variants=Variants(methods={"new_zeros": new_zeros}, inplace={"zero_": zero_}),
               samples=lambda: [Sample((2, 3), grad=False), Sample(((4,),), grad=False)],
               torch_ref=lambda torch, *size: torch.zeros(*size)))
register(OpDef(name="ones", impl=ones, variants=Variants(methods={"new_ones": new_ones}),
               samples=lambda: [Sample((2, 3), grad=False)], torch_ref=lambda torch, *size: torch.ones(*size)))
register(OpDef(name="full_like", impl=full_like, samples=lambda: [Sample((randn(2, 3), 2.5), grad=False)],
               torch_ref=lambda torch, x, value: torch.full_like(x, value)))
register(OpDef(name="zeros_like", impl=zeros_like, samples=lambda: [Sample((randn(2, 3),), grad=False)],
               torch_ref=lambda torch, x: torch.zeros_like(x)))
register(OpDef(name="ones_like", impl=ones_like, samples=lambda: [Sample((randn(4),), grad=False)],
               torch_ref=lambda torch, x: torch.ones_like(x)))
