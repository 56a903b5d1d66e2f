"""Conv1d, Conv2d, ConvTranspose2d with PyTorch's parameters and default initialisation."""
import math

from ...ops import api as F
from .. import init
from ..parameter import Parameter
from .module import Module
from ...errors import InvalidArgumentError


class _ConvNd(Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, transposed,
                 output_padding, dims, device, dtype):
        super().__init__()
        if in_channels % groups or out_channels % groups:
            raise InvalidArgumentError(f"{type(self).__name__}: in_channels={in_channels} and out_channels={out_channels} "
                             f"must be divisible by groups={groups}")
        ks = (kernel_size,) * dims if isinstance(kernel_size, int) else tuple(kernel_size)
        self.in_channels, self.out_channels, self.kernel_size = in_channels, out_channels, ks
        norm = (lambda v: (v,) * dims if isinstance(v, int) else tuple(v))
        self.stride, self.dilation = norm(stride), norm(dilation)
        self.padding = padding if isinstance(padding, str) else norm(padding)
        self.output_padding = norm(output_padding)
        self.groups, self.transposed = groups, transposed
        shape = (in_channels, out_channels // groups) + ks if transposed else (out_channels, in_channels // groups) + ks
        self.weight = Parameter(F.empty(*shape, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(F.empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * len(self.kernel_size):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.kernel_size):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.kernel_size):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s


class Conv2d(_ConvNd):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        if padding_mode != "zeros":
            raise InvalidArgumentError(f"Conv2d: padding_mode {padding_mode!r} is not supported (only 'zeros')")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, False, 0, 2,
                         device, dtype)

    def forward(self, input):
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv1d(_ConvNd):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        if padding_mode != "zeros":
            raise InvalidArgumentError(f"Conv1d: padding_mode {padding_mode!r} is not supported (only 'zeros')")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, False, 0, 1,
                         device, dtype)

    def forward(self, input):
        padding = self.padding if isinstance(self.padding, str) else self.padding[0]
        return F.conv1d(input, self.weight, self.bias, self.stride[0], padding, self.dilation[0], self.groups)


class ConvTranspose2d(_ConvNd):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, True,
                         output_padding, 2, device, dtype)

    def forward(self, input):
        return F.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding, self.output_padding,
                                  self.groups, self.dilation)
