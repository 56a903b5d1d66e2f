"""ParameterList and ParameterDict (torch.nn.modules.container re-exports them): parameters held
in a list ('0', '1', ...) or by name, registered so the parent module sees them."""
from ..parameter import Parameter
from .module import Module
from ...core.tensor import Tensor


def _as_parameter(value):
    # torch wraps plain tensors given to these containers as Parameters
    return value if isinstance(value, Parameter) or not isinstance(value, Tensor) else Parameter(value)


class ParameterList(Module):
    """Parameters in a list, registered as ``'0'``, ``'1'``, ... (torch.nn.ParameterList); plain
    tensors are wrapped as Parameters. Supports append, extend, indexing, iteration and len.

    Shape:
        - Not a layer: it holds parameters for the parent's ``forward``.

    Example::

        >>> ps = ug.nn.ParameterList([ug.nn.Parameter(ug.ones(2)), ug.zeros(3)])
        >>> [name for name, _ in ps.named_parameters()], len(ps)
        (['0', '1'], 2)
    """
    def __init__(self, values=None):
        super().__init__()
        for v in values or []:
            self.append(v)

    def append(self, value):
        self.register_parameter(str(len(self._parameters)), _as_parameter(value))
        return self

    def extend(self, values):
        for v in values:
            self.append(v)
        return self

    def __getitem__(self, idx):
        values = list(self._parameters.values())
        return ParameterList(values[idx]) if isinstance(idx, slice) else values[idx]

    def __setitem__(self, idx, value):
        self.register_parameter(str(idx % len(self)), _as_parameter(value))

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters.values())

    def extra_repr(self):
        return "\n".join(f"({i}): Parameter containing: [{p.dtype!r} of size {'x'.join(map(str, p.shape))}]"
                         for i, p in enumerate(self))


class ParameterDict(Module):
    """Parameters by name, in insertion order (torch.nn.ParameterDict); plain tensors are wrapped
    as Parameters. Supports ``d[k]``, ``d[k] = p``, ``in``, len, iteration over names, keys, values,
    items and update.

    Shape:
        - Not a layer: it holds parameters for the parent's ``forward``.

    Example::

        >>> pd = ug.nn.ParameterDict({"scale": ug.ones(1), "shift": ug.zeros(1)})
        >>> sorted(pd.keys()), pd["scale"].requires_grad
        (['scale', 'shift'], True)
    """
    def __init__(self, parameters=None):
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def update(self, parameters):
        items = parameters.items() if hasattr(parameters, "items") else parameters
        for k, v in items:
            self[k] = v

    def __getitem__(self, key):
        return self._parameters[key]

    def __setitem__(self, key, value):
        self.register_parameter(key, _as_parameter(value))

    def __contains__(self, key):
        return key in self._parameters

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters)

    def keys(self):
        return self._parameters.keys()

    def values(self):
        return self._parameters.values()

    def items(self):
        return self._parameters.items()
