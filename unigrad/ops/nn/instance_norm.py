"""instance_norm: normalisation over each sample's each channel (all its positions), with
optional running statistics, a composite."""
from ...core.grad_mode import no_grad
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import positive, randn
from .common import channel_affine, channel_shape


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """``(x - mean) / sqrt(var + eps)`` with the mean and (biased) variance of each (sample,
    channel) over its positions, then ``* weight + bias`` per channel (PyTorch's instance_norm).
    With running_mean/running_var given and use_input_stats, they are updated in place by the
    average over the batch of the instance statistics (the variance unbiased); with
    use_input_stats=False they normalise instead.

    Args:
        input: (N, C, *) with at least one position dim.
        running_mean, running_var: (C,) tensors or None.
        weight, bias: (C,) tensors or None.

    Example::

        >>> ug.instance_norm(ug.tensor([[[1.0, 3.0], [0.0, 4.0]]]))
        tensor([[[-1.,  1.],
                 [-1.,  1.]]])
    """
    if input.ndim < 3:
        raise ShapeError(f"instance_norm: expected (N, C, *) with at least one position dim, got {tuple(input.shape)}")
    shape = channel_shape(input)
    dims = tuple(range(2, input.ndim))
    if use_input_stats:
        mean = F.mean(input, dim=dims, keepdim=True)
        centered = F.sub(input, mean)
        var = F.mean(F.mul(centered, centered), dim=dims, keepdim=True)
        if running_mean is not None or running_var is not None:
            count = input.numel() // (input.shape[0] * input.shape[1])
            with no_grad():
                if running_mean is not None:
                    running_mean.mul_(1 - momentum).add_(F.mean(F.flatten(mean, 1), 0).detach() * momentum)
                if running_var is not None:
                    unbiased = F.mean(F.flatten(var, 1), 0).detach() * (count / max(count - 1, 1))
                    running_var.mul_(1 - momentum).add_(unbiased * momentum)
        out = F.mul(centered, F.rsqrt(F.add(var, eps)))
    else:
        if running_mean is None or running_var is None:
            raise ShapeError("instance_norm: use_input_stats=False needs running_mean and running_var")
        out = F.mul(F.sub(input, F.reshape(running_mean, shape)), F.rsqrt(F.add(F.reshape(running_var, shape), eps)))
    return channel_affine(out, weight, bias)


register(OpDef(name="instance_norm", impl=instance_norm, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(2, 3, 4, 4),)),
                                Sample((randn(2, 4, 5), None, None, positive(4, seed=1), randn(4, seed=2))),
                                Sample((randn(2, 3, 4, 4), randn(3, seed=3), positive(3, seed=4)),
                                       {"use_input_stats": False}, grad=False)],
               torch_ref=lambda torch, x, rm=None, rv=None, w=None, b=None, **kw: torch.nn.functional.instance_norm(
                   x, rm, rv, w, b, **kw)))
