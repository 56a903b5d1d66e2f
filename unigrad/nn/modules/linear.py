"""Linear, Identity, Flatten."""
import math

from ...ops import api as F
from .. import init
from ..parameter import Parameter
from .module import Module


class Identity(Module):
    """Returns its input unchanged (the same tensor object): a placeholder layer.

    Args:
        *args, **kwargs: accepted and ignored.

    Shape:
        - Input: ``(*)``, any shape.
        - Output: ``(*)``, the input itself.

    Example::

        >>> x = ug.randn(2, 3)
        >>> ug.nn.Identity(54, unused_argument=0.1)(x) is x
        True
    """
    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Linear(Module):
    """Applies an affine map to the last dimension: ``y = x @ weight.T + bias``.

    Args:
        in_features: size of each input sample's last dimension.
        out_features: size of each output sample's last dimension.
        bias: if False, the layer learns no additive bias (``bias`` is None). Default: True.
        device, dtype: where and in what dtype to create the parameters. Default: the global defaults.

    Shape:
        - Input: ``(*, in_features)``, any number of leading dimensions (including none).
        - Output: ``(*, out_features)``.

    Attributes:
        weight: ``(out_features, in_features)``, initialised U(-1/sqrt(in_features), 1/sqrt(in_features))
            (``kaiming_uniform_(a=sqrt(5))``, as in PyTorch).
        bias: ``(out_features,)``, same distribution.

    Example::

        >>> m = ug.nn.Linear(20, 30)
        >>> m(ug.randn(128, 20)).shape
        unigrad.Size([128, 30])
    """
    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = Parameter(F.empty(out_features, in_features, device=device, dtype=dtype))
        self.bias = Parameter(F.empty(out_features, device=device, dtype=dtype)) if bias else None
        if not bias:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        # PyTorch's default: kaiming_uniform(a=sqrt(5)) for weight, U(-1/sqrt(fan_in), ..) for bias
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Flatten(Module):
    """Flattens the dimensions ``start_dim`` through ``end_dim`` (inclusive) into one.

    Args:
        start_dim: first dimension to flatten. Default: 1 (keeps the batch dimension).
        end_dim: last dimension to flatten. Default: -1.

    Shape:
        - Input: ``(*, S_start, ..., S_end, *)``.
        - Output: ``(*, S_start * ... * S_end, *)``; a 0-d input becomes ``(1,)``.

    Example::

        >>> x = ug.randn(32, 1, 5, 5)
        >>> ug.nn.Flatten()(x).shape
        unigrad.Size([32, 25])
        >>> ug.nn.Flatten(0, 2)(x).shape
        unigrad.Size([160, 5])
    """
    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input):
        return F.flatten(input, self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Expands dimension ``dim`` into the sizes ``unflattened_size``: the inverse of :class:`Flatten`.

    Args:
        dim: the dimension to expand; negative counts from the end.
        unflattened_size: the new sizes (tuple or list) whose product is the size of ``dim``; one may be -1,
            inferred from the others.

    Shape:
        - Input: ``(*, S_dim, *)``.
        - Output: ``(*, U_1, ..., U_n, *)`` with ``U_1 * ... * U_n = S_dim``.

    Example::

        >>> ug.nn.Unflatten(1, (2, 5, 5))(ug.randn(2, 50)).shape
        unigrad.Size([2, 2, 5, 5])
        >>> ug.nn.Unflatten(-1, (2, -1))(ug.randn(2, 50)).shape
        unigrad.Size([2, 2, 25])
    """
    def __init__(self, dim, unflattened_size):
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, input):
        return F.unflatten(input, self.dim, self.unflattened_size)

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


from .bilinear import Bilinear  # noqa: E402,F401  (torch.nn.modules.linear's name; its own file)
