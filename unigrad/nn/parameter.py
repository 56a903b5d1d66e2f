"""Parameter: a leaf Tensor that a Module registers as trainable."""
from ..core.tensor import Tensor, as_tensor, init_fields


class Parameter(Tensor):
    """A Tensor that a :class:`Module` registers as a parameter when it is assigned as an attribute.

    It is a new autograd leaf that shares memory with ``data`` (no copy when ``data`` is a Tensor or a NumPy
    array; the leaf does not carry ``data``'s graph). ``Module.parameters()`` yields it, so optimizers update it.

    Args:
        data: the value: a Tensor, NumPy array or (nested) Python numbers. Default: None, an empty tensor.
        requires_grad: whether gradients are recorded for it. Default: True.

    Example::

        >>> p = ug.nn.Parameter(ug.zeros(2))
        >>> p
        Parameter containing:
        tensor([0., 0.], requires_grad=True)
        >>> m = ug.nn.Module()
        >>> m.scale = p
        >>> list(m.parameters())[0] is p
        True
    """
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
