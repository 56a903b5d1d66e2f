"""InstanceNorm1d/2d/3d (torch.nn.modules.instancenorm), over F.instance_norm."""
from ...backend import dtypes as _dt
from ...errors import ShapeError
from ...ops import api as F
from ..parameter import Parameter
from .module import Module


class _InstanceNorm(Module):
    _dims = None

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False, device=None,
                 dtype=None, *, bias=True):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(F.ones(num_features, device=device, dtype=dtype))
        else:
            self.register_parameter("weight", None)
        if affine and bias:  # (torch 2.13's bias=False: a weight and no bias)
            self.bias = Parameter(F.zeros(num_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", F.zeros(num_features, device=device, dtype=dtype))
            self.register_buffer("running_var", F.ones(num_features, device=device, dtype=dtype))
            self.register_buffer("num_batches_tracked", F.zeros((), dtype=_dt.int64, device=device))
        else:
            self.running_mean = self.running_var = None

    def forward(self, input):
        if input.ndim not in (self._dims + 1, self._dims + 2):
            raise ShapeError(f"{type(self).__name__}: expected {self._dims + 1}-D (unbatched) or {self._dims + 2}-D "
                             f"input, got shape {tuple(input.shape)}")
        if input.ndim == self._dims + 1:
            return F.squeeze(self.forward(F.unsqueeze(input, 0)), 0)
        if input.shape[1] != self.num_features and self.affine:
            raise ShapeError(f"{type(self).__name__}: expected {self.num_features} channels, got shape "
                             f"{tuple(input.shape)}")
        use_input_stats = self.training or not self.track_running_stats
        return F.instance_norm(input, self.running_mean, self.running_var, self.weight, self.bias, use_input_stats,
                               self.momentum, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class InstanceNorm1d(_InstanceNorm):
    """Normalises each channel of each sample of a (N, C, L) input over L, as torch.nn.InstanceNorm1d
    (affine adds a per-channel weight and bias; track_running_stats keeps running statistics
    used in eval mode).

    Shape:
        - Input: ``(N, C, L)`` or ``(C, L)``.
        - Output: the input's shape.

    Example::

        >>> ug.nn.InstanceNorm1d(2)(ug.tensor([[[1.0, 3.0], [0.0, 4.0]]]))
        tensor([[[-1.,  1.],
                 [-1.,  1.]]])
    """
    _dims = 1


class InstanceNorm2d(_InstanceNorm):
    """Normalises each channel of each sample of a (N, C, H, W) input over H and W, as
    torch.nn.InstanceNorm2d (style transfer's normalisation).

    Shape:
        - Input: ``(N, C, H, W)`` or ``(C, H, W)``.
        - Output: the input's shape.

    Example::

        >>> m = ug.nn.InstanceNorm2d(3, affine=True)
        >>> m
        InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=False)
        >>> m(ug.randn(2, 3, 4, 4)).shape
        unigrad.Size([2, 3, 4, 4])
    """
    _dims = 2


class InstanceNorm3d(_InstanceNorm):
    """Normalises each channel of each sample of a (N, C, D, H, W) input over D, H and W, as
    torch.nn.InstanceNorm3d.

    Shape:
        - Input: ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        - Output: the input's shape.

    Example::

        >>> ug.nn.InstanceNorm3d(2)(ug.randn(1, 2, 2, 3, 3)).shape
        unigrad.Size([1, 2, 2, 3, 3])
    """
    _dims = 3
