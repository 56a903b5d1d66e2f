"""The small core under the ops: Tensor (the data model), the tape node, grad mode, and the
protocol through which running code reports to a graph tracer. It knows no ops."""
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .tensor import Size, Tensor, as_tensor
