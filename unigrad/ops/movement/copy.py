"""clone/contiguous (copies), repeat, and to_device (the one op whose output changes device)."""
from ...core.tensor import _move
from ...backend.device import Device
from .. import api as F
from ..dispatch import dispatch
from ..registry import Compiled, OpDef, Sample, register
from ..sampling import randn
from ..spec import Spec

clone_op = register(OpDef(
    name="clone", saves_inputs=False, forward=lambda xp, x: x.copy(), backward=lambda ctx, g: (g,),
    compiled=Compiled(fresh=True),
    infer=lambda x: Spec(x.shape, x.dtype),
    samples=lambda: [Sample((randn(3, 4),)), Sample((randn(4, 3).T,))],
    torch_ref=lambda torch, x: x.clone(), reference=lambda np, x: x.copy()))
contiguous_op = register(OpDef(
    name="contiguous", saves_inputs=False, forward=lambda xp, x: xp.ascontiguousarray(x), backward=lambda ctx, g: (g,),
    compiled=Compiled(may_alias=True),  # an input that is contiguous already comes back as it is
    infer=lambda x: Spec(x.shape, x.dtype),
    samples=lambda: [Sample((randn(4, 3).T,))],
    torch_ref=lambda torch, x: x.contiguous(), reference=lambda np, x: np.ascontiguousarray(x)))


def clone(input, memory_format=None):
    return dispatch(clone_op, (input,), {})


def contiguous(input, memory_format=None):
    if input._data.flags.c_contiguous:
        return input
    return dispatch(contiguous_op, (input,), {})


clone_op.public = clone
contiguous_op.public = contiguous


def repeat(input, *sizes):
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    shape = (1,) * (len(sizes) - input.ndim) + tuple(input.shape)
    x = F.reshape(input, shape)
    # (a, b) repeated (r, s): broadcast to (r, a, s, b), then merge pairs
    inter = []
    for r, s in zip(sizes, shape):
        inter.extend((1, s))
    x = F.reshape(x, inter)
    target = []
    for r, s in zip(sizes, shape):
        target.extend((r, s))
    return F.reshape(F.broadcast_to(x, target), tuple(r * s for r, s in zip(sizes, shape)))


register(OpDef(name="repeat", impl=repeat,
               samples=lambda: [Sample((randn(2, 3), (2, 1, 3)), {})],
               torch_ref=lambda torch, x, sizes: x.repeat(*sizes)))


def _to_device_backward(ctx, g):
    return (to_device(g, ctx.inputs[0]._device),)


to_device_op = register(OpDef(
    name="to_device", saves_inputs=False, forward=lambda xp, x, device: _move(x, device), backward=_to_device_backward,
    infer=lambda x, device: Spec(x.shape, x.dtype), device_attr="device",
    samples=lambda: [Sample((randn(2, 3),), {"device": "cpu"})],
    torch_ref=lambda torch, x, device: x.to(device), doc="Copy to another device (differentiable)."))


def to_device(input, device):
    """input on `device` ('cpu', 'cuda:N', 'meta'; a Device); input itself when it is there already.
    Differentiable: the gradient goes back to input's device."""
    device = Device(device)
    if device is input._device:
        return input
    return dispatch(to_device_op, (input,), {"device": device})


to_device_op.public = to_device
