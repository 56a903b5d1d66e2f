"""MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, LocalResponseNorm."""
from ...ops import api as F
from .max_pool_base import _MaxPoolNd
from .module import Module


class MaxPool2d(_MaxPoolNd):
    """2-D max pooling: the maximum of each ``kernel_size`` window, per channel.

    Args:
        kernel_size: ``int`` or ``(kh, kw)``.
        stride: ``int`` or ``(sh, sw)``. Default: None, meaning ``kernel_size``.
        padding: implicit ``-inf`` padding on both sides, ``int`` or ``(ph, pw)``; at most half the kernel size.
            Default: 0.
        dilation: spacing between window elements, ``int`` or ``(dh, dw)``. Default: 1.
        return_indices: if True, also return the position of each maximum (int64) as an index into the
            flattened ``H_in * W_in`` plane, as PyTorch does; ties go to the first maximum. Default: False.
        ceil_mode: round the output size up instead of down; a window must still start inside the input or its
            left/top padding. Default: False.

    Shape:
        - Input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``.
        - Output: ``(N, C, H_out, W_out)`` or ``(C, H_out, W_out)``, with
          ``H_out = floor((H_in + 2 * padding[0] - dilation[0] * (kernel_size[0] - 1) - 1) / stride[0]) + 1``
          (``ceil`` instead of ``floor`` with ``ceil_mode``), and ``W_out`` likewise with index 1.

    Example::

        >>> x = ug.arange(16.).reshape(1, 1, 4, 4)
        >>> ug.nn.MaxPool2d(2)(x)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
        >>> ug.nn.MaxPool2d(3, stride=2, padding=1, return_indices=True)(x)[1]
        tensor([[[[ 5,  7],
                  [13, 15]]]])
    """
    _pool = staticmethod(F.max_pool2d)


class AvgPool2d(Module):
    """2-D average pooling: the mean of each ``kernel_size`` window, per channel.

    Args:
        kernel_size: ``int`` or ``(kh, kw)``.
        stride: ``int`` or ``(sh, sw)``. Default: None, meaning ``kernel_size``.
        padding: implicit zero padding on both sides, ``int`` or ``(ph, pw)``; at most half the kernel size.
            Default: 0.
        ceil_mode: round the output size up instead of down; a window must still start inside the input or its
            left/top padding. Default: False.
        count_include_pad: if True, the zero padding counts in each window's divisor. Default: True.
        divisor_override: if given, every window's sum is divided by it instead. Default: None.

    Shape:
        - Input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``.
        - Output: ``(N, C, H_out, W_out)`` or ``(C, H_out, W_out)``, with
          ``H_out = floor((H_in + 2 * padding[0] - kernel_size[0]) / stride[0]) + 1``
          (``ceil`` instead of ``floor`` with ``ceil_mode``), and ``W_out`` likewise with index 1.

    Example::

        >>> x = ug.arange(16.).reshape(1, 1, 4, 4)
        >>> ug.nn.AvgPool2d(2)(x)
        tensor([[[[ 2.5,  4.5],
                  [10.5, 12.5]]]])
        >>> ug.nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)(x)
        tensor([[[[ 2.5,  4. ],
                  [ 8.5, 10. ]]]])
    """
    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input):
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """2-D average pooling to a fixed output size, whatever the input size.

    Output cell ``(i, j)`` averages input rows ``floor(i * H_in / H_out)`` to ``ceil((i + 1) * H_in / H_out) - 1``
    and the columns likewise, as in PyTorch.

    Args:
        output_size: ``int`` or ``(H_out, W_out)``; None in the pair keeps that input size.

    Shape:
        - Input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``.
        - Output: ``(N, C, H_out, W_out)`` or ``(C, H_out, W_out)``.

    Example::

        >>> ug.nn.AdaptiveAvgPool2d((5, 7))(ug.randn(1, 64, 8, 9)).shape
        unigrad.Size([1, 64, 5, 7])
        >>> ug.nn.AdaptiveAvgPool2d((None, 7))(ug.randn(1, 64, 10, 9)).shape
        unigrad.Size([1, 64, 10, 7])
    """
    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return F.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class LocalResponseNorm(Module):
    """Local response normalisation across channels:
    ``y_c = x_c / (k + alpha / size * sum_{c'} x_{c'} ** 2) ** beta``, the sum over the ``size`` channels
    ``c - size // 2`` to ``c + (size - 1) // 2`` (those beyond the edges count as zero).

    Args:
        size: number of neighbouring channels summed over.
        alpha: multiplicative factor. Default: 1e-4.
        beta: exponent. Default: 0.75.
        k: additive factor. Default: 1.0.

    Shape:
        - Input: ``(N, C, *)``, at least 3 dimensions.
        - Output: the input's shape.

    Example::

        >>> m = ug.nn.LocalResponseNorm(2)
        >>> m(ug.randn(32, 5, 24, 24)).shape
        unigrad.Size([32, 5, 24, 24])
    """
    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input):
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


from .max_pool3d import MaxPool3d  # noqa: E402,F401  (torch.nn.modules.pooling's name; its own file)
from .pooling_1d import (AdaptiveAvgPool1d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, AvgPool1d,  # noqa: E402,F401
                         MaxPool1d)
from .pooling_3d import AdaptiveAvgPool3d, AvgPool3d  # noqa: E402,F401
