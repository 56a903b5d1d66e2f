"""PReLU and Softmax2d: the activations that work across channels (torch.nn.modules.activation
re-exports them)."""
from ...ops import api as F
from .. import init
from ..parameter import Parameter
from .module import Module


class PReLU(Module):
    """``max(0, x) + weight * min(0, x)`` with a learned slope: one shared (num_parameters=1) or
    one per channel (dim 1 of the input), as torch.nn.PReLU.

    Args:
        num_parameters: 1 or the number of channels. Default: 1.
        init: the slopes' initial value. Default: 0.25.
        device, dtype: where and in what dtype to create the weight.

    Shape:
        - Input: ``(*)``, channels at dim 1 when num_parameters > 1.
        - Output: the input's shape.

    Attributes:
        weight: ``(num_parameters,)``, filled with init.

    Example::

        >>> m = ug.nn.PReLU()
        >>> m(ug.tensor([-2.0, 1.0]))
        tensor([-0.5,  1. ], grad_fn=<whereBackward>)
    """
    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        super().__init__()
        self.num_parameters, self.init = num_parameters, init  # (torch's attribute name)
        self.weight = Parameter(F.empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        init.constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class Softmax2d(Module):
    """Softmax over the channels at each position of a (N, C, H, W) or (C, H, W) input (dim -3),
    as torch.nn.Softmax2d.

    Shape:
        - Input: ``(N, C, H, W)`` or ``(C, H, W)``.
        - Output: the input's shape.

    Example::

        >>> ug.nn.Softmax2d()(ug.zeros(1, 2, 1, 1)).flatten()
        tensor([0.5, 0.5])
    """
    def forward(self, input):
        if input.ndim not in (3, 4):
            from ...errors import ShapeError
            raise ShapeError(f"Softmax2d: expected a 3-D or 4-D input, got shape {tuple(input.shape)}")
        return F.softmax(input, -3)
