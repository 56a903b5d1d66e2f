"""Bilinear (torch.nn.modules.linear re-exports it), over F.bilinear."""
import math

from ...ops import api as F
from .. import init
from ..parameter import Parameter
from .module import Module


class Bilinear(Module):
    """``y = x1^T A_o x2 + b_o`` for each output feature o, as torch.nn.Bilinear.

    Args:
        in1_features, in2_features, out_features: the sizes of x1, x2 and y's last dims.
        bias: learn an additive bias. Default: True.

    Shape:
        - Input: ``(*, in1_features)`` and ``(*, in2_features)``.
        - Output: ``(*, out_features)``.

    Attributes:
        weight: ``(out_features, in1_features, in2_features)``, U(-1/sqrt(in1), 1/sqrt(in1)).
        bias: ``(out_features,)``, same distribution.

    Example::

        >>> m = ug.nn.Bilinear(20, 30, 40)
        >>> m(ug.randn(128, 20), ug.randn(128, 30)).shape
        unigrad.Size([128, 40])
    """
    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in1_features, self.in2_features, self.out_features = in1_features, in2_features, out_features
        self.weight = Parameter(F.empty(out_features, in1_features, in2_features, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(F.empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
