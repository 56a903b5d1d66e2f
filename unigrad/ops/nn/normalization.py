"""batch_norm, layer_norm, group_norm as compositions (their gradients follow from the ops)."""
from ...core.grad_mode import no_grad
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, register
from ..sampling import positive, randn


def _channel_shape(x):
    return (1, x.shape[1]) + (1,) * (x.ndim - 2)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    if input.ndim < 2:
        raise ShapeError(f"batch_norm: expected input (N, C, ...), got shape {tuple(input.shape)}")
    shape = _channel_shape(input)
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
    if weight is not None:
        out = F.mul(out, F.reshape(weight, shape))
    if bias is not None:
        out = F.add(out, F.reshape(bias, shape))
    return out


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[input.ndim - len(normalized_shape):]) != normalized_shape:
        raise ShapeError(f"layer_norm: input shape {tuple(input.shape)} does not end with normalized_shape "
                         f"{normalized_shape}")
    axes = tuple(range(input.ndim - len(normalized_shape), input.ndim))
    mean = F.mean(input, dim=axes, keepdim=True)
    centered = F.sub(input, mean)
    var = F.mean(F.mul(centered, centered), dim=axes, keepdim=True)
    out = F.mul(centered, F.rsqrt(F.add(var, eps)))
    if weight is not None:
        out = F.mul(out, weight)
    if bias is not None:
        out = F.add(out, bias)
    return out


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    n, c = input.shape[:2]
    if c % num_groups:
        raise ShapeError(f"group_norm: {c} channels are not divisible by num_groups={num_groups}")
    grouped = F.reshape(input, (n, num_groups, -1))
    mean = F.mean(grouped, dim=2, keepdim=True)
    centered = F.sub(grouped, mean)
    var = F.mean(F.mul(centered, centered), dim=2, keepdim=True)
    out = F.reshape(F.mul(centered, F.rsqrt(F.add(var, eps))), tuple(input.shape))
    shape = _channel_shape(input)
    if weight is not None:
        out = F.mul(out, F.reshape(weight, shape))
    if bias is not None:
        out = F.add(out, F.reshape(bias, shape))
    return out


register(OpDef(name="batch_norm",
               impl=batch_norm,
               samples=lambda: [Sample((randn(4, 3, 2, 2), randn(3, seed=1), positive(3, seed=2),
                                        positive(3, seed=3), randn(3, seed=4)), {"training": True}),
                                Sample((randn(4, 3), randn(3, seed=1), positive(3, seed=2),
                                        positive(3, seed=3), randn(3, seed=4)), {"training": False})],
               torch_ref=lambda torch, x, rm, rv, w=None, b=None, **kw: torch.nn.functional.batch_norm(
                   x, rm.detach().clone(), rv.detach().clone(), w, b, **kw)), public=batch_norm)
register(OpDef(name="layer_norm", impl=layer_norm,
               samples=lambda: [Sample((randn(3, 4, 5), (5,), positive(5, seed=1), randn(5, seed=2))),
                                Sample((randn(2, 3, 4), (3, 4)))],
               torch_ref=lambda torch, x, shape, w=None, b=None: torch.nn.functional.layer_norm(x, shape, w, b)))
register(OpDef(name="group_norm", impl=group_norm,
               samples=lambda: [Sample((randn(2, 6, 3, 3), 3, positive(6, seed=1), randn(6, seed=2))),
                                Sample((randn(3, 4, 5), 2))],
               torch_ref=lambda torch, x, groups, w=None, b=None: torch.nn.functional.group_norm(x, groups, w, b)))
