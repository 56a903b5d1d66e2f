"""tensor_type: Tensor.type(), torch's older spelling of a dtype conversion (a composite of
to_dtype, and of to_device for the legacy type names, which name CPU or CUDA types)."""
from ...backend import dtypes as _dt
from ...errors import DtypeError
from .. import api as F
from ..factory.legacy_tensor import BY_DTYPE, LEGACY, _LegacyType
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn


def _target(dtype):
    """(dtype, device or None) that a type argument names: a dtype, a legacy class, or a string
    such as 'torch.LongTensor', 'torch.cuda.FloatTensor' or 'float64'."""
    if isinstance(dtype, _LegacyType):
        return dtype.dtype, "cpu"
    if isinstance(dtype, str):
        name = dtype
        for prefix in ("torch.", "unigrad.", "ug."):
            name = name[len(prefix):] if name.startswith(prefix) else name
        device = "cuda" if name.startswith("cuda.") else "cpu"
        name = name[5:] if name.startswith("cuda.") else name
        if name in LEGACY:
            return LEGACY[name].dtype, device
        try:
            return _dt.to_dtype(name), None
        except DtypeError:
            raise DtypeError(f"Tensor.type: unknown type {dtype!r}; give a dtype, a legacy class such as "
                             f"ug.LongTensor, or its name ({', '.join(sorted(LEGACY))})") from None
    return _dt.to_dtype(dtype), None


def tensor_type(self, dtype=None, non_blocking=False, **kwargs):
    """With no argument, the legacy type name of self (``'torch.FloatTensor'``, with ``cuda.`` on
    a GPU: torch's strings, so ported checks hold); with a dtype, a legacy class (``ug.LongTensor``)
    or a type name, self converted to it (self itself when it is that already), as torch's
    Tensor.type.

    Example::

        >>> x = ug.tensor([1.7, -2.2])
        >>> x.type()
        'torch.FloatTensor'
        >>> x.type(ug.LongTensor)
        tensor([ 1, -2])
        >>> x.type(ug.float64).dtype
        unigrad.float64
    """
    if dtype is None:
        cls = BY_DTYPE.get(self.dtype)
        name = cls.__name__ if cls is not None else f"{self.dtype.name}Tensor"
        return "torch." + ("cuda." if self.device.type == "cuda" else "") + name
    dtype, device = _target(dtype)
    out = F.to_dtype(self, dtype)
    if device is not None and out.device.type != device:
        out = out.to(device)
    return out


register(OpDef(name="tensor_type", impl=tensor_type, variants=Variants(function=False, methods={"type": tensor_type}),
               samples=lambda: [Sample((randn(3, 4) * 3,), {"dtype": _dt.float64}),
                                Sample((randn(5) * 3,), {"dtype": "torch.LongTensor"}, grad=False),
                                Sample((randn(2, 3),), {"dtype": "torch.FloatTensor"}, grad=False)],
               torch_ref=lambda torch, x, dtype: x.type(getattr(torch, dtype.name) if isinstance(dtype, _dt.DType)
                                                        else dtype)))
