"""Conv1d, Conv2d, ConvTranspose2d with PyTorch's parameters and default initialisation."""
import math

from ...ops import api as F
from .. import init
from ..parameter import Parameter
from .module import Module
from ...errors import InvalidArgumentError


PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, transposed,
                 output_padding, dims, device, dtype, padding_mode="zeros"):
        super().__init__()
        if padding_mode not in PADDING_MODES:
            raise InvalidArgumentError(f"{type(self).__name__}: padding_mode must be one of {list(PADDING_MODES)}, "
                                       f"but got padding_mode={padding_mode!r}")
        if transposed and padding_mode != "zeros":
            raise InvalidArgumentError(f"Only \"zeros\" padding mode is supported for {type(self).__name__}")
        self.padding_mode = padding_mode
        if in_channels % groups or out_channels % groups:
            raise InvalidArgumentError(f"{type(self).__name__}: in_channels={in_channels} and out_channels={out_channels} "
                             f"must be divisible by groups={groups}")
        ks = (kernel_size,) * dims if isinstance(kernel_size, int) else tuple(kernel_size)
        self.in_channels, self.out_channels, self.kernel_size = in_channels, out_channels, ks
        norm = (lambda v: (v,) * dims if isinstance(v, int) else tuple(v))
        self.stride, self.dilation = norm(stride), norm(dilation)
        self.padding = padding if isinstance(padding, str) else norm(padding)
        if isinstance(padding, str) and padding not in ("same", "valid"):
            raise InvalidArgumentError(f"{type(self).__name__}: padding must be an int, a tuple, 'same' or 'valid', "
                                       f"got {padding!r}")
        if padding == "same" and any(st != 1 for st in self.stride):
            raise InvalidArgumentError("padding='same' is not supported for strided convolutions")
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

    def _side_padding(self):
        """(before, after) per spatial dim; 'same' puts an odd total's extra entry after."""
        if self.padding == "valid":
            return [(0, 0)] * len(self.kernel_size)
        if self.padding == "same":
            totals = [d * (k - 1) for d, k in zip(self.dilation, self.kernel_size)]
            return [(t // 2, t - t // 2) for t in totals]
        return [(p, p) for p in self.padding]

    def _padded_input(self, input):
        """The input padded here (by padding_mode, or zeros on uneven sides), so the convolution
        itself pads nothing, as PyTorch does for a padding_mode other than 'zeros'."""
        flat = [v for before, after in reversed(self._side_padding()) for v in (before, after)]
        mode = "constant" if self.padding_mode == "zeros" else self.padding_mode
        return F.pad(input, flat, mode=mode)

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
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv2d(_ConvNd):
    """Applies a 2-D convolution (a cross-correlation, as in PyTorch) over a batch of images.

    Output channel ``j`` is ``bias[j]`` plus ``weight[j]`` cross-correlated with the input channels of its group.

    Args:
        in_channels: channels of the input, ``C_in``.
        out_channels: channels of the output, ``C_out``.
        kernel_size: ``int`` or ``(kh, kw)``.
        stride: ``int`` or ``(sh, sw)``. Default: 1.
        padding: zeros added to both sides of each spatial dimension: ``int``, ``(ph, pw)``, ``'valid'`` (none) or
            ``'same'`` (``dilation * (kernel_size - 1)`` in total per dimension, an odd total putting the extra row
            or column at the bottom/right; at stride 1 the output has the input's size). Default: 0.
        dilation: spacing between kernel elements, ``int`` or ``(dh, dw)``. Default: 1.
        groups: splits the channels into this many groups convolved separately; ``in_channels`` and
            ``out_channels`` must both be divisible by it. Default: 1.
        bias: if False, the layer learns no additive bias (``bias`` is None). Default: True.
        padding_mode: ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``: what the padding is
            filled with, as in PyTorch. Default: ``'zeros'``.
        device, dtype: where and in what dtype to create the parameters. Default: the global defaults.

    Shape:
        - Input: ``(N, C_in, H_in, W_in)``; unbatched ``(C_in, H_in, W_in)`` input is not accepted.
        - Output: ``(N, C_out, H_out, W_out)``, where with the padding per side ``p``
          ``H_out = floor((H_in + 2 * p[0] - dilation[0] * (kernel_size[0] - 1) - 1) / stride[0]) + 1``,
          and ``W_out`` likewise with index 1.

    Attributes:
        weight: ``(out_channels, in_channels // groups, kh, kw)``, initialised U(-1/sqrt(fan_in), 1/sqrt(fan_in))
            with ``fan_in = in_channels // groups * kh * kw`` (``kaiming_uniform_(a=sqrt(5))``, as in PyTorch).
        bias: ``(out_channels,)``, same distribution.

    Example::

        >>> m = ug.nn.Conv2d(16, 33, 3, stride=2, padding=1)
        >>> m(ug.randn(20, 16, 50, 100)).shape
        unigrad.Size([20, 33, 25, 50])
        >>> ug.nn.Conv2d(16, 33, (3, 5), padding="same")(ug.randn(20, 16, 50, 100)).shape
        unigrad.Size([20, 33, 50, 100])
    """
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, False, 0, 2,
                         device, dtype, padding_mode)

    def forward(self, input):
        if self.padding_mode != "zeros":
            return F.conv2d(self._padded_input(input), self.weight, self.bias, self.stride, 0, self.dilation,
                            self.groups)
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv1d(_ConvNd):
    """Applies a 1-D convolution (a cross-correlation, as in PyTorch) over a batch of sequences.

    Output channel ``j`` is ``bias[j]`` plus ``weight[j]`` cross-correlated with the input channels of its group.

    Args:
        in_channels: channels of the input, ``C_in``.
        out_channels: channels of the output, ``C_out``.
        kernel_size: ``int`` or ``(k,)``.
        stride: ``int`` or ``(s,)``. Default: 1.
        padding: zeros added to both ends: ``int``, ``(p,)``, ``'valid'`` (none) or ``'same'``
            (``dilation * (kernel_size - 1)`` in total, an odd total putting the extra zero at the end).
            Default: 0.
        dilation: spacing between kernel elements, ``int`` or ``(d,)``. Default: 1.
        groups: splits the channels into this many groups convolved separately; ``in_channels`` and
            ``out_channels`` must both be divisible by it. Default: 1.
        bias: if False, the layer learns no additive bias (``bias`` is None). Default: True.
        padding_mode: ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``: what the padding is
            filled with, as in PyTorch. Default: ``'zeros'``.
        device, dtype: where and in what dtype to create the parameters. Default: the global defaults.

    Shape:
        - Input: ``(N, C_in, L_in)``; unbatched ``(C_in, L_in)`` input is not accepted.
        - Output: ``(N, C_out, L_out)``, ``L_out = floor((L_in + 2 * padding - dilation * (kernel_size - 1) - 1)
          / stride) + 1``.

    Attributes:
        weight: ``(out_channels, in_channels // groups, k)``, initialised U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with
            ``fan_in = in_channels // groups * k`` (``kaiming_uniform_(a=sqrt(5))``, as in PyTorch).
        bias: ``(out_channels,)``, same distribution.

    Example::

        >>> m = ug.nn.Conv1d(16, 33, 3, stride=2)
        >>> m(ug.randn(20, 16, 50)).shape
        unigrad.Size([20, 33, 24])
    """
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, False, 0, 1,
                         device, dtype, padding_mode)

    def forward(self, input):
        if self.padding_mode != "zeros":
            return F.conv1d(self._padded_input(input), self.weight, self.bias, self.stride[0], 0, self.dilation[0],
                            self.groups)
        padding = self.padding if isinstance(self.padding, str) else self.padding[0]
        return F.conv1d(input, self.weight, self.bias, self.stride[0], padding, self.dilation[0], self.groups)


class ConvTranspose2d(_ConvNd):
    """Applies a 2-D transposed convolution: the gradient of :class:`Conv2d` with respect to its input.

    It maps a Conv2d's output shape back to its input shape (often called a fractionally strided convolution).

    Args:
        in_channels: channels of the input, ``C_in``.
        out_channels: channels of the output, ``C_out``.
        kernel_size: ``int`` or ``(kh, kw)``.
        stride: ``int`` or ``(sh, sw)``. Default: 1.
        padding: ``int`` or ``(ph, pw)``: the padding of the Conv2d being inverted; it removes that many rows and
            columns from each side of the output. Strings are not accepted. Default: 0.
        output_padding: ``int`` or ``(oph, opw)`` added to the bottom/right of the output, to pick among the input
            sizes a strided Conv2d maps to the same output size. Default: 0.
        groups: splits the channels into this many groups convolved separately; ``in_channels`` and
            ``out_channels`` must both be divisible by it. Default: 1.
        bias: if False, the layer learns no additive bias (``bias`` is None). Default: True.
        dilation: spacing between kernel elements, ``int`` or ``(dh, dw)``. Default: 1.
        padding_mode: only ``'zeros'`` (as in PyTorch; another mode raises). Default: ``'zeros'``.
        device, dtype: where and in what dtype to create the parameters. Default: the global defaults.

    Shape:
        - Input: ``(N, C_in, H_in, W_in)``; unbatched 3-D input is not accepted.
        - Output: ``(N, C_out, H_out, W_out)``, where ``H_out = (H_in - 1) * stride[0] - 2 * padding[0]
          + dilation[0] * (kernel_size[0] - 1) + output_padding[0] + 1``, and ``W_out`` likewise with index 1.
          ``forward`` takes no ``output_size`` argument.

    Attributes:
        weight: ``(in_channels, out_channels // groups, kh, kw)``, initialised U(-1/sqrt(fan_in), 1/sqrt(fan_in))
            with ``fan_in = out_channels // groups * kh * kw`` (computed from the weight's shape, as in PyTorch).
        bias: ``(out_channels,)``, same distribution.

    Example::

        >>> down = ug.nn.Conv2d(16, 16, 3, stride=2, padding=1)
        >>> up = ug.nn.ConvTranspose2d(16, 16, 3, stride=2, padding=1, output_padding=1)
        >>> x = ug.randn(1, 16, 12, 12)
        >>> down(x).shape, up(down(x)).shape
        (unigrad.Size([1, 16, 6, 6]), unigrad.Size([1, 16, 12, 12]))
    """
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, True,
                         output_padding, 2, device, dtype, padding_mode)

    def forward(self, input):
        return F.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding, self.output_padding,
                                  self.groups, self.dilation)


from .conv3d import Conv3d  # noqa: E402,F401  (torch.nn.modules.conv's names; the classes have their own files)
from .conv_transpose1d import ConvTranspose1d  # noqa: E402,F401
from .conv_transpose3d import ConvTranspose3d  # noqa: E402,F401
