from .grad_mode import no_grad, enable_grad, set_grad_enabled, is_grad_enabled
from .tensor import Tensor, Size, as_tensor
from .engine import backward, grad
