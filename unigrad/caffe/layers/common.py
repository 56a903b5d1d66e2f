"""Helpers the layer mappers share: Caffe's axis rules, counts, and filler defaults."""
from ...ops import api as F
from ..proto import caffe_pb2 as pb


def canonical_axis(layer, axis, ndim):
    """Caffe's CanonicalAxisIndex: a negative axis counts from the end; out of range is an error
    naming the layer."""
    if not -ndim <= axis < max(ndim, 1):
        raise layer.shape_error(f"axis {axis} is out of range for a bottom with {ndim} axes")
    return axis % ndim if ndim else 0


def count(shape, start=0, end=None):
    """The product of shape[start:end] (1 for an empty range)."""
    result = 1
    for d in tuple(shape)[start:end]:
        result *= int(d)
    return result


def filler(param, field, default_type="constant", value=0.0):
    """The FillerParameter `field` of `param` when given, else Caffe's default for that slot."""
    if param.HasField(field):
        return getattr(param, field)
    return pb.FillerParameter(type=default_type, value=value)


def spatial(values, n, default, what, layer):
    """A repeated kernel/pad/stride/dilation field as n per-axis values (one value for all axes,
    or one per axis)."""
    values = list(values)
    if not values:
        return [default] * n
    if len(values) == 1:
        return values * n
    if len(values) != n:
        raise layer.fail(f"{what} gives {len(values)} values; give one, or one per spatial axis ({n})")
    return values


def constant(array, like):
    """A NumPy array as a constant Tensor on `like`'s device and dtype (a shape-only Tensor on
    the meta device)."""
    from ...core.tensor import Tensor
    device = like.device
    if device.type == "meta":
        return F.zeros(tuple(array.shape), dtype=like.dtype, device=device)
    return Tensor._make(device.xp.asarray(array, dtype=like._dtype.np), device, like._dtype)
