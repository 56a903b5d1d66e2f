"""RMSNorm (torch.nn.modules.normalization re-exports it), over F.rms_norm."""
from ...ops import api as F
from ..functional import rms_norm
from ..parameter import Parameter
from .module import Module


class RMSNorm(Module):
    """Divides by the root mean square over the last ``normalized_shape`` dims and scales by a
    learned weight (torch.nn.RMSNorm; eps None is the dtype's machine epsilon).

    Shape:
        - Input: ``(*, *normalized_shape)``.
        - Output: the input's shape.

    Attributes:
        weight: ``normalized_shape``, ones (None without elementwise_affine).

    Example::

        >>> ug.nn.RMSNorm(2)
        RMSNorm((2,), eps=None, elementwise_affine=True)
    """
    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None):
        super().__init__()
        self.normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(F.ones(*self.normalized_shape, device=device, dtype=dtype))
        else:
            self.register_parameter("weight", None)

    def forward(self, input):
        return rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
