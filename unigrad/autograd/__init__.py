"""Reverse-mode autodiff: backward() and grad() over the tape the core records."""
from ..core.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from ..core.tensor import Size, Tensor, as_tensor
from .engine import backward, grad
