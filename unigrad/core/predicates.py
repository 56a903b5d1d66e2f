"""torch.is_tensor, is_floating_point, is_complex, is_nonzero and numel as functions: programs
call them on anything (is_tensor) or on tensors (the others)."""
from ..errors import InvalidTypeError
from .tensor import Tensor


def is_tensor(obj):
    """Whether obj is a unigrad Tensor (parameters included), as torch.is_tensor."""
    return isinstance(obj, Tensor)


def _tensor(name, input):
    if not isinstance(input, Tensor):
        raise InvalidTypeError(f"{name}(): argument 'input' must be Tensor, not {type(input).__name__}")
    return input


def is_floating_point(input):
    """Whether input's dtype is a floating-point type, as torch.is_floating_point."""
    return _tensor("is_floating_point", input).is_floating_point()


def is_complex(input):
    """Whether input's dtype is complex: always False (unigrad has no complex dtypes)."""
    _tensor("is_complex", input)
    return False


def numel(input):
    """The number of elements of input, as torch.numel."""
    return _tensor("numel", input).numel()


def is_nonzero(input):
    """Whether a one-element tensor is nonzero, as torch.is_nonzero (more elements: an error)."""
    t = _tensor("is_nonzero", input)
    if t.numel() != 1:
        raise InvalidTypeError(f"is_nonzero(): a Tensor with {t.numel()} elements cannot be converted to a Python "
                               "bool; it must have exactly one element")
    return bool(t.item() != 0)
