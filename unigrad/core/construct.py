"""ug.tensor / ug.from_numpy: build Tensors from user data."""
from .tensor import Tensor, as_tensor


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new Tensor that copies `data` (like torch.tensor)."""
    t = as_tensor(data, dtype=dtype, device=device)
    if t is data or t._data is getattr(data, "_data", None) or t._data is data or \
            getattr(t._data, "base", None) is not None:
        t = Tensor._make(t._data.copy(), t._device, t._dtype)
    if requires_grad:
        t.requires_grad_(True)
    return t


def from_numpy(array):
    """A Tensor sharing memory with a NumPy array."""
    return as_tensor(array)
