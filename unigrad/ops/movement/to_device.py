"""to_device: the input on another device (the one op whose result changes device), and the
Tensor methods that move or convert: to, cpu, cuda, copy_."""
from ...backend import dtypes as _dt
from ...backend.device import Device
from ...core.tensor import Tensor, _move
from .. import api as F
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec


def _forward(xp, x, device):
    return _move(x, device)


def _backward(ctx, g):
    return (to_device(g, ctx.inputs[0]._device),)


def to(self, *args, **kwargs):
    """to(device), to(dtype), to(device, dtype), to(other_tensor): self converted to the dtype
    (first), then moved to the device; self itself when nothing changes."""
    device = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    for a in args:
        if isinstance(a, Tensor):
            device, dtype = a.device, a.dtype
        elif isinstance(a, (Device, str)) and not (isinstance(a, str) and a in _dt._BY_NAME):
            device = a
        elif a is not None:
            dtype = a
    out = self
    if dtype is not None:
        out = F.to_dtype(out, dtype)
    if device is not None:
        out = to_device(out, device)
    return out


def cpu(self):
    """self on the CPU (self itself when it is there)."""
    return to_device(self, "cpu")


def cuda(self, device=None):
    """self on a CUDA device: the current one ('cuda'), or device (an index, a name, a Device)."""
    return to_device(self, "cuda" if device is None else f"cuda:{int(device)}"
                     if not isinstance(device, (str, Device)) else device)


def copy_(self, src, non_blocking=False):
    """What self.copy_(src) writes into self: src (a tensor or a number) in self's dtype, on
    self's device, broadcast to self's shape."""
    if not isinstance(src, Tensor):
        src = F.full((), src, dtype=self.dtype, device=self.device)
    return F.broadcast_to(to_device(F.to_dtype(src, self.dtype), self.device), tuple(self.shape))


to_device_op = OpDef(
    name="to_device", saves_inputs=False, forward=_forward, backward=_backward,
    onnx=Onnx("Identity"),
    infer=lambda x, device: Spec(x.shape, x.dtype), device_attr="device",
    variants=Variants(methods={"to": to, "cpu": cpu, "cuda": cuda}, inplace={"copy_": copy_}),
    samples=lambda: [Sample((randn(2, 3),), {"device": "cpu"})],
    torch_ref=lambda torch, x, device: x.to(device))


def to_device(input, device):
    """input on `device` ('cpu', 'cuda:N', 'meta'; a Device); input itself when it is there already.
    Differentiable: the gradient goes back to input's device.

    Example::

        >>> x = ug.tensor([1.0, 2.0])
        >>> ug.to_device(x, "cpu") is x
        True
        >>> ug.to_device(x, "meta").device
        device(type='meta')
    """
    device = Device(device)
    if device is input._device:
        return input
    return dispatch(to_device_op, (input,), {"device": device})


register(to_device_op, public=to_device)
