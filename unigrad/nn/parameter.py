"""Parameter: a leaf Tensor that a Module registers as trainable."""
from ..core.tensor import Tensor, as_tensor, init_fields


class Parameter(Tensor):
    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        src = as_tensor(data if data is not None else [])
        p = object.__new__(cls)
        init_fields(p, src._data, src._device, src._dtype, src._vc, False)  # shares src's memory
        if requires_grad:
            p.requires_grad_(True)
        return p

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()
