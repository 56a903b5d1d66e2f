"""batch_norm: normalisation by per-channel batch (or running) statistics, a composite."""
from ...core.grad_mode import no_grad
from ...errors import ShapeError
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import positive, randn
from .common import channel_affine, channel_shape


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """``(x - mean) / sqrt(var + eps) * weight + bias`` per channel (PyTorch's ``batch_norm``).

    Training uses the batch's statistics over every dim but the channel one (the biased
    variance), and updates running_mean/running_var in place, if given, as
    ``(1 - momentum) * running + momentum * batch statistic`` (the variance unbiased);
    otherwise the running statistics are used.

    Args:
        input: (N, C) or (N, C, ...).
        running_mean, running_var: (C,) tensors, or None when training without them.
        weight, bias: (C,) tensors or None.
        training: normalise by the batch's statistics (and update the running ones).
        momentum: the weight of the batch statistic in the running update.
        eps: added to the variance.

    Example::

        >>> x = ug.tensor([[1.0, 2.0], [3.0, 6.0]])
        >>> running_mean, running_var = ug.zeros(2), ug.ones(2)
        >>> ug.batch_norm(x, running_mean, running_var, training=True)
        tensor([[-1., -1.],
                [ 1.,  1.]])
        >>> running_mean, running_var
        (tensor([0.2, 0.4]), tensor([1.1, 1.7]))
    """
    if input.ndim < 2:
        raise ShapeError(f"batch_norm: expected input (N, C, ...), got shape {tuple(input.shape)}")
    shape = channel_shape(input)
    axes = (0,) + tuple(range(2, input.ndim))
    if training:
        count = input.numel() // input.shape[1]
        if count <= 1:
            raise ShapeError(f"batch_norm: expected more than 1 value per channel when training, got input "
                             f"shape {tuple(input.shape)}")
        mean = F.mean(input, dim=axes, keepdim=True)
        centered = F.sub(input, mean)
        var = F.mean(F.mul(centered, centered), dim=axes, keepdim=True)
        if running_mean is not None:
            with no_grad():  # running stats use the unbiased variance, as in PyTorch
                running_mean.mul_(1 - momentum).add_(F.reshape(mean, (-1,)).detach() * momentum)
                running_var.mul_(1 - momentum).add_(F.reshape(var, (-1,)).detach() * (momentum * count / (count - 1)))
    else:
        if running_mean is None:
            raise ShapeError("batch_norm: running_mean/running_var are required when not training")
        mean = F.reshape(running_mean, shape)
        var = F.reshape(running_var, shape)
        centered = F.sub(input, mean)
    out = F.mul(centered, F.rsqrt(F.add(var, eps)))
    return channel_affine(out, weight, bias)


register(OpDef(name="batch_norm", impl=batch_norm, variants=Variants(functional=True),
               onnx=Onnx(emit=lambda e, **a: e.batch_norm(**a)),
               samples=lambda: [Sample((randn(4, 3, 2, 2), randn(3, seed=1), positive(3, seed=2),
                                        positive(3, seed=3), randn(3, seed=4)), {"training": True}),
                                Sample((randn(4, 3), randn(3, seed=1), positive(3, seed=2),
                                        positive(3, seed=3), randn(3, seed=4)), {"training": False})],
               torch_ref=lambda torch, x, rm, rv, w=None, b=None, **kw: torch.nn.functional.batch_norm(
                   x, rm.detach().clone(), rv.detach().clone(), w, b, **kw)), public=batch_norm)
