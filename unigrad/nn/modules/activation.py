"""Activation modules: thin wrappers over the functional ops."""
from ...ops import api as F
from .module import Module


class ReLU(Module):
    """Applies the rectified linear unit elementwise: ``max(0, x)``.

    Args:
        inplace: accepted for PyTorch compatibility and ignored: the result is always a new tensor. Default: False.

    Shape:
        - Input: ``(*)``, any shape.
        - Output: ``(*)``, the input's shape.

    Integer inputs give a floating-point result (PyTorch keeps the integer dtype).

    Example::

        >>> ug.nn.ReLU()(ug.tensor([-2., -0.5, 0., 1., 3.]))
        tensor([0., 0., 0., 1., 3.])
    """
    def __init__(self, inplace=False):
        super().__init__()

    def forward(self, input):
        return F.relu(input)


class LeakyReLU(Module):
    """Applies ``x if x > 0 else negative_slope * x`` elementwise.

    Args:
        negative_slope: slope for negative inputs. Default: 0.01.
        inplace: accepted for PyTorch compatibility and ignored: the result is always a new tensor. Default: False.

    Shape:
        - Input: ``(*)``, any shape.
        - Output: ``(*)``, the input's shape.

    Example::

        >>> ug.nn.LeakyReLU(0.1)(ug.tensor([-2., -0.5, 0., 1., 3.]))
        tensor([-0.2 , -0.05,  0.  ,  1.  ,  3.  ])
    """
    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class ELU(Module):
    """Applies the exponential linear unit elementwise: ``x if x > 0 else alpha * (exp(x) - 1)``.

    Args:
        alpha: scale of the negative part; the output tends to ``-alpha`` as ``x`` goes to -inf. Default: 1.0.
        inplace: accepted for PyTorch compatibility and ignored: the result is always a new tensor. Default: False.

    Shape:
        - Input: ``(*)``, any shape.
        - Output: ``(*)``, the input's shape.

    Example::

        >>> ug.nn.ELU()(ug.tensor([-2., -0.5, 0., 1., 3.]))
        tensor([-0.8647, -0.3935,  0.    ,  1.    ,  3.    ])
    """
    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha

    def forward(self, input):
        return F.elu(input, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class Softplus(Module):
    """Applies ``log(1 + exp(beta * x)) / beta`` elementwise, a smooth approximation of ReLU.

    Where ``beta * x > threshold`` it returns ``x`` (the linear regime), as in PyTorch.

    Args:
        beta: sharpness; larger values approach ReLU. Default: 1.0.
        threshold: above this value of ``beta * x`` the output is ``x``. Default: 20.0.

    Shape:
        - Input: ``(*)``, any shape.
        - Output: ``(*)``, the input's shape.

    Example::

        >>> ug.nn.Softplus()(ug.tensor([-2., -0.5, 0., 1., 3.]))
        tensor([0.1269, 0.4741, 0.6931, 1.3133, 3.0486])
    """
    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class GELU(Module):
    """Applies the Gaussian error linear unit elementwise: ``x * Phi(x) = 0.5 * x * (1 + erf(x / sqrt(2)))``.

    Args:
        approximate: ``'none'`` for the exact form, or ``'tanh'`` for
            ``0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x ** 3)))``. Other values raise when the module
            is called, not when it is built. Default: ``'none'``.

    Shape:
        - Input: ``(*)``, any shape.
        - Output: ``(*)``, the input's shape.

    Example::

        >>> ug.nn.GELU()(ug.tensor([-2., -0.5, 0., 1., 3.]))
        tensor([-0.0455, -0.1543,  0.    ,  0.8413,  2.996 ])
    """
    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, self.approximate)

    def extra_repr(self):
        return f"approximate='{self.approximate}'"


class _Simple(Module):
    fn = None

    def __init__(self, inplace=False):
        super().__init__()

    def forward(self, input):
        return type(self).fn(input)


class Sigmoid(_Simple):
    """Applies the logistic function elementwise: ``1 / (1 + exp(-x))``.

    Args:
        inplace: accepted and ignored (PyTorch's Sigmoid takes no arguments): the result is always a new tensor.
            Default: False.

    Shape:
        - Input: ``(*)``, any shape.
        - Output: ``(*)``, the input's shape.

    Example::

        >>> ug.nn.Sigmoid()(ug.tensor([-2., -0.5, 0., 1., 3.]))
        tensor([0.1192, 0.3775, 0.5   , 0.7311, 0.9526])
    """
    fn = staticmethod(F.sigmoid)


class Tanh(_Simple):
    """Applies the hyperbolic tangent elementwise: ``tanh(x)``.

    Args:
        inplace: accepted and ignored (PyTorch's Tanh takes no arguments): the result is always a new tensor.
            Default: False.

    Shape:
        - Input: ``(*)``, any shape.
        - Output: ``(*)``, the input's shape.

    Example::

        >>> ug.nn.Tanh()(ug.tensor([-2., -0.5, 0., 1., 3.]))
        tensor([-0.964 , -0.4621,  0.    ,  0.7616,  0.9951])
    """
    fn = staticmethod(F.tanh)


class SiLU(_Simple):
    """Applies the sigmoid linear unit (swish) elementwise: ``x * sigmoid(x)``.

    Args:
        inplace: accepted for PyTorch compatibility and ignored: the result is always a new tensor. Default: False.

    Shape:
        - Input: ``(*)``, any shape.
        - Output: ``(*)``, the input's shape.

    Example::

        >>> ug.nn.SiLU()(ug.tensor([-2., -0.5, 0., 1., 3.]))
        tensor([-0.2384, -0.1888,  0.    ,  0.7311,  2.8577])
    """
    fn = staticmethod(F.silu)


class ReLU6(_Simple):
    """Applies ``min(max(0, x), 6)`` elementwise.

    Args:
        inplace: accepted for PyTorch compatibility and ignored: the result is always a new tensor. Default: False.

    Shape:
        - Input: ``(*)``, any shape.
        - Output: ``(*)``, the input's shape.

    Example::

        >>> ug.nn.ReLU6()(ug.tensor([-2., 0.5, 3., 6., 8.]))
        tensor([0. , 0.5, 3. , 6. , 6. ])
    """
    fn = staticmethod(F.relu6)


class Softmax(Module):
    """Applies ``exp(x_i) / sum_j exp(x_j)`` along ``dim``, so each slice along it is positive and sums to 1.

    The maximum along ``dim`` is subtracted first, so large inputs do not overflow.

    Args:
        dim: the dimension to normalise. Default: None, PyTorch's legacy choice: 0 for 0-, 1- or 3-D input,
            otherwise 1 (without PyTorch's warning). Pass it explicitly.

    Shape:
        - Input: ``(*)``, any shape.
        - Output: ``(*)``, the input's shape (a 0-d input gives 1).

    Example::

        >>> ug.nn.Softmax(dim=1)(ug.tensor([[1., 2., 3.], [0., 0., 0.]]))
        tensor([[0.09  , 0.2447, 0.6652],
                [0.3333, 0.3333, 0.3333]])
    """
    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.softmax(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """Applies ``log(softmax(x))`` along ``dim``, computed stably as ``x_i - max - log(sum_j exp(x_j - max))``.

    Args:
        dim: the dimension to normalise. Default: None, PyTorch's legacy choice: 0 for 0-, 1- or 3-D input,
            otherwise 1 (without PyTorch's warning). Pass it explicitly.

    Shape:
        - Input: ``(*)``, any shape.
        - Output: ``(*)``, the input's shape (a 0-d input gives 0).

    Example::

        >>> ug.nn.LogSoftmax(dim=1)(ug.tensor([[1., 2., 3.], [0., 0., 0.]]))
        tensor([[-2.4076, -1.4076, -0.4076],
                [-1.0986, -1.0986, -1.0986]])
    """
    def forward(self, input):
        return F.log_softmax(input, self.dim)


from .channel_activation import PReLU, Softmax2d  # noqa: E402,F401  (torch.nn.modules.activation's names)
from .more_activations import (CELU, GLU, SELU, Hardshrink, Hardsigmoid, Hardswish, Hardtanh,  # noqa: E402,F401
                               LogSigmoid, Mish, Softmin, Softshrink, Softsign, Tanhshrink, Threshold)
from .multihead_attention import MultiheadAttention  # noqa: E402,F401  (torch.nn.modules.activation holds it)
