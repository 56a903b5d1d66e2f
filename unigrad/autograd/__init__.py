"""Reverse-mode autodiff: backward() and grad() over the tape the core records; custom
Functions (torch.autograd.Function) and the functional transforms (torch.autograd.functional)."""
from ..core.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from ..core.tensor import Size, Tensor, as_tensor
from .engine import backward, grad
from . import function, functional
from .function import Function, FunctionCtx, Variable, once_differentiable
