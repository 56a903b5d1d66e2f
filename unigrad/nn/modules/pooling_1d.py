"""MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, AdaptiveMaxPool1d and AdaptiveMaxPool2d
(torch.nn.modules.pooling re-exports them), over their functional forms."""
from ..functional import adaptive_avg_pool1d, adaptive_max_pool1d, adaptive_max_pool2d, avg_pool1d, max_pool1d
from .max_pool_base import _MaxPoolNd
from .module import Module


class MaxPool1d(_MaxPoolNd):
    """1-D max pooling over (N, C, L) input (torch.nn.MaxPool1d).

    Shape:
        - Input: ``(N, C, L_in)`` or ``(C, L_in)``.
        - Output: ``L_out = floor((L_in + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1``.

    Example::

        >>> ug.nn.MaxPool1d(2)(ug.tensor([[[1.0, 3.0, 2.0, 5.0]]]))
        tensor([[[3., 5.]]])
    """
    _pool = staticmethod(max_pool1d)


class AvgPool1d(Module):
    """1-D average pooling over (N, C, L) input (torch.nn.AvgPool1d).

    Shape:
        - Input: ``(N, C, L_in)`` or ``(C, L_in)``.
        - Output: ``L_out = floor((L_in + 2 * padding - kernel_size) / stride) + 1``.

    Example::

        >>> ug.nn.AvgPool1d(2)(ug.tensor([[[1.0, 3.0, 2.0, 6.0]]]))
        tensor([[[2., 4.]]])
    """
    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__()
        one = lambda v: (v,) if isinstance(v, int) else tuple(v)  # noqa: E731  (torch keeps 1-tuples)
        self.kernel_size, self.stride = one(kernel_size), one(stride if stride is not None else kernel_size)
        self.padding, self.ceil_mode, self.count_include_pad = one(padding), ceil_mode, count_include_pad

    def forward(self, input):
        return avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


def _adaptive(name, fn, summary, example, shape):
    def __init__(self, output_size, return_indices=False):
        Module.__init__(self)
        self.output_size = output_size
        if "Max" in name:
            self.return_indices = return_indices

    def forward(self, input):
        if "Max" in name:
            return fn(input, self.output_size, self.return_indices)
        return fn(input, self.output_size)

    doc = (f"{summary}\n\n    Shape:\n        - Input: {shape}.\n        - Output: the spatial sizes set to "
           f"output_size.\n\n    Example::\n\n{example}\n    ")
    return type(name, (Module,), {"__init__": __init__, "forward": forward, "__doc__": doc, "__module__": __name__,
                                  "extra_repr": lambda self: f"output_size={self.output_size}"})


AdaptiveAvgPool1d = _adaptive("AdaptiveAvgPool1d", adaptive_avg_pool1d, "Average pooling to a fixed length "
                              "(torch.nn.AdaptiveAvgPool1d).", "        >>> ug.nn.AdaptiveAvgPool1d(1)(ug.tensor([[[1.0, "
                              "3.0]]]))\n        tensor([[[2.]]])", "``(N, C, L)`` or ``(C, L)``")
AdaptiveMaxPool1d = _adaptive("AdaptiveMaxPool1d", adaptive_max_pool1d, "Max pooling to a fixed length "
                              "(torch.nn.AdaptiveMaxPool1d).", "        >>> ug.nn.AdaptiveMaxPool1d(1)(ug.tensor([[[1.0, "
                              "3.0]]]))\n        tensor([[[3.]]])", "``(N, C, L)`` or ``(C, L)``")
AdaptiveMaxPool2d = _adaptive("AdaptiveMaxPool2d", adaptive_max_pool2d, "Max pooling to a fixed size "
                              "(torch.nn.AdaptiveMaxPool2d).", "        >>> ug.nn.AdaptiveMaxPool2d(1)(ug.ones(1, 2, 5, 5))."
                              "shape\n        unigrad.Size([1, 2, 1, 1])", "``(N, C, H, W)`` or ``(C, H, W)``")
