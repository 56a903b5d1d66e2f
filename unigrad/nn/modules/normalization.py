"""BatchNorm1d/2d, LayerNorm, GroupNorm."""
from ...backend import dtypes as _dt
from ...ops import api as F
from .. import init
from ..parameter import Parameter
from .module import Module
from ...errors import InvalidArgumentError


class _BatchNorm(Module):
    expected_dims = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None,
                 dtype=None):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(F.ones(num_features, device=device, dtype=dtype))
            self.bias = Parameter(F.zeros(num_features, device=device, dtype=dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", F.zeros(num_features, device=device, dtype=dtype))
            self.register_buffer("running_var", F.ones(num_features, device=device, dtype=dtype))
            self.register_buffer("num_batches_tracked", F.zeros((), dtype=_dt.int64, device=device))
        else:
            self.running_mean = self.running_var = self.num_batches_tracked = None

    def reset_parameters(self):
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1.0)
            self.num_batches_tracked.zero_()
        if self.affine:
            init.ones_(self.weight)
            init.zeros_(self.bias)

    def forward(self, input):
        if input.ndim not in self.expected_dims:
            raise InvalidArgumentError(f"{type(self).__name__}: expected {' or '.join(map(str, self.expected_dims))}-D input, "
                             f"got shape {tuple(input.shape)}")
        use_batch = self.training or not self.track_running_stats
        if self.training and self.track_running_stats:
            self.num_batches_tracked._data += 1
        return F.batch_norm(input, self.running_mean if self.track_running_stats else None,
                            self.running_var if self.track_running_stats else None, self.weight, self.bias,
                            use_batch, self.momentum, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation over the channel dimension of ``(N, C)`` or ``(N, C, L)`` input.

    ``y = (x - mean) / sqrt(var + eps) * weight + bias`` per channel. In training mode ``mean`` and the biased
    ``var`` come from the batch (over every dimension but the channel one); with ``track_running_stats`` each
    training call also updates ``running = (1 - momentum) * running + momentum * batch_stat`` (with the unbiased
    variance for ``running_var``) and adds 1 to ``num_batches_tracked``. In eval mode the running statistics are
    used; without ``track_running_stats`` the batch statistics are used in both modes.

    Args:
        num_features: ``C``, the number of channels.
        eps: added to the variance for numerical stability. Default: 1e-5.
        momentum: weight of the newest batch in the running averages. PyTorch's ``None`` (a cumulative average)
            is not supported. Default: 0.1.
        affine: if True, learn a per-channel ``weight`` and ``bias``. Default: True.
        track_running_stats: if True, keep the ``running_mean``/``running_var`` buffers and use them in eval mode.
            Default: True.
        device, dtype: where and in what dtype to create the parameters and buffers. Default: the global defaults.

    Shape:
        - Input: ``(N, C)`` or ``(N, C, L)``; other ranks raise. Training needs more than one value per channel.
        - Output: the input's shape.

    Attributes:
        weight: ``(C,)``, initialised to ones (None if not ``affine``).
        bias: ``(C,)``, initialised to zeros (None if not ``affine``).
        running_mean, running_var: buffers ``(C,)``, initialised to zeros and ones (None if not
            ``track_running_stats``).
        num_batches_tracked: int64 0-d buffer counting training calls.

    Example::

        >>> m = ug.nn.BatchNorm1d(3)
        >>> m(ug.tensor([[1., 2., 3.], [3., 6., 9.]])).detach()
        tensor([[-1., -1., -1.],
                [ 1.,  1.,  1.]])
        >>> m.running_mean, m.running_var
        (tensor([0.2, 0.4, 0.6]), tensor([1.1, 1.7, 2.7]))
    """
    expected_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation over the channel dimension of ``(N, C, H, W)`` input (statistics over ``N, H, W``).

    ``y = (x - mean) / sqrt(var + eps) * weight + bias`` per channel. In training mode ``mean`` and the biased
    ``var`` come from the batch (over every dimension but the channel one); with ``track_running_stats`` each
    training call also updates ``running = (1 - momentum) * running + momentum * batch_stat`` (with the unbiased
    variance for ``running_var``) and adds 1 to ``num_batches_tracked``. In eval mode the running statistics are
    used; without ``track_running_stats`` the batch statistics are used in both modes.

    Args:
        num_features: ``C``, the number of channels.
        eps: added to the variance for numerical stability. Default: 1e-5.
        momentum: weight of the newest batch in the running averages. PyTorch's ``None`` (a cumulative average)
            is not supported. Default: 0.1.
        affine: if True, learn a per-channel ``weight`` and ``bias``. Default: True.
        track_running_stats: if True, keep the ``running_mean``/``running_var`` buffers and use them in eval mode.
            Default: True.
        device, dtype: where and in what dtype to create the parameters and buffers. Default: the global defaults.

    Shape:
        - Input: ``(N, C, H, W)``; other ranks raise. Training needs more than one value per channel.
        - Output: the input's shape.

    Attributes:
        weight: ``(C,)``, initialised to ones (None if not ``affine``).
        bias: ``(C,)``, initialised to zeros (None if not ``affine``).
        running_mean, running_var: buffers ``(C,)``, initialised to zeros and ones (None if not
            ``track_running_stats``).
        num_batches_tracked: int64 0-d buffer counting training calls.

    Example::

        >>> m = ug.nn.BatchNorm2d(100, affine=False)
        >>> m(ug.randn(20, 100, 35, 45)).shape
        unigrad.Size([20, 100, 35, 45])
        >>> int(m.num_batches_tracked)
        1
    """
    expected_dims = (4,)


class LayerNorm(Module):
    """Layer normalisation over the last ``len(normalized_shape)`` dimensions of each sample.

    ``y = (x - mean) / sqrt(var + eps) * weight + bias``, with ``mean`` and the biased ``var`` over those
    dimensions; the same computation in training and eval mode (no running statistics).

    Args:
        normalized_shape: ``int`` or tuple: the trailing shape to normalise over.
        eps: added to the variance for numerical stability. Default: 1e-5.
        elementwise_affine: if True, learn ``weight`` and ``bias`` of shape ``normalized_shape``. Default: True.
        bias: if False (and ``elementwise_affine``), learn only ``weight``. Default: True.
        device, dtype: where and in what dtype to create the parameters. Default: the global defaults.

    Shape:
        - Input: ``(*, *normalized_shape)``; a mismatched trailing shape raises ShapeError.
        - Output: the input's shape.

    Attributes:
        weight: ``normalized_shape``, initialised to ones (None if not ``elementwise_affine``).
        bias: ``normalized_shape``, initialised to zeros (None if not ``elementwise_affine`` or not ``bias``).

    Example::

        >>> ug.nn.LayerNorm(4)(ug.tensor([[1., 2., 3., 4.]])).detach()
        tensor([[-1.3416, -0.4472,  0.4472,  1.3416]])
        >>> ug.nn.LayerNorm((10, 10))(ug.randn(20, 5, 10, 10)).shape
        unigrad.Size([20, 5, 10, 10])
    """
    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None):
        super().__init__()
        self.normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(F.ones(*self.normalized_shape, device=device, dtype=dtype))
            if bias:
                self.bias = Parameter(F.zeros(*self.normalized_shape, device=device, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class GroupNorm(Module):
    """Group normalisation: splits the ``C`` channels into ``num_groups`` groups and normalises each group of each
    sample over its channels and all remaining dimensions, then applies a per-channel affine map.

    ``y = (x - mean) / sqrt(var + eps) * weight + bias`` with the biased ``var``; the same computation in
    training and eval mode.

    Args:
        num_groups: number of groups; must divide ``num_channels``.
        num_channels: ``C``, the number of channels.
        eps: added to the variance for numerical stability. Default: 1e-5.
        affine: if True, learn a per-channel ``weight`` and ``bias``. Default: True.
        device, dtype: where and in what dtype to create the parameters. Default: the global defaults.

    Shape:
        - Input: ``(N, C, *)``.
        - Output: the input's shape.

    Attributes:
        weight: ``(C,)``, initialised to ones (None if not ``affine``).
        bias: ``(C,)``, initialised to zeros (None if not ``affine``).

    Example::

        >>> m = ug.nn.GroupNorm(3, 6)
        >>> m(ug.randn(20, 6, 10, 10)).shape
        unigrad.Size([20, 6, 10, 10])
    """
    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None):
        super().__init__()
        if num_channels % num_groups:
            raise InvalidArgumentError(f"GroupNorm: num_channels={num_channels} must be divisible by num_groups={num_groups}")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        if affine:
            self.weight = Parameter(F.ones(num_channels, device=device, dtype=dtype))
            self.bias = Parameter(F.zeros(num_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input):
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"


from .rms_norm import RMSNorm  # noqa: E402,F401  (torch.nn.modules.normalization's name; its own file)
