"""Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_).

Written with tensor ops and no Python branch on values, so a compiled training step that clips
its gradients stays one graph: the scale min(1, max_norm / (norm + 1e-6)) multiplies every
gradient, as PyTorch does.
"""
import math

from ...core.grad_mode import no_grad
from ...core.tensor import Tensor
from ...errors import InvalidArgumentError
from ...ops import api as F


def _with_grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scale the gradients in place so that their joint `norm_type` norm is at most max_norm;
    returns the norm before clipping (a 0-d tensor)."""
    params = _with_grads(parameters)
    norm_type = float(norm_type)
    if not params:
        return F.zeros(())
    with no_grad():
        grads = [p.grad for p in params]
        if math.isinf(norm_type):
            total = F.amax(F.stack([F.amax(F.abs(g)) for g in grads]))
        elif norm_type == 2.0:  # each gradient's squares summed by one BLAS dot: no |g| ** 2 temporaries
            total = F.sqrt(F.sum(F.stack([F.dot(flat, flat) for flat in (g.reshape(-1) for g in grads)])))
        else:
            total = F.pow(F.sum(F.stack([F.sum(F.pow(F.abs(g), norm_type)) for g in grads])), 1.0 / norm_type)
        if error_if_nonfinite and not bool(F.isfinite(total)):
            raise InvalidArgumentError(f"the total norm of order {norm_type} of the gradients is non-finite, so it "
                                       "cannot be clipped; pass error_if_nonfinite=False to scale anyway")
        scale = F.clamp(F.div(F.full((), float(max_norm), dtype=total.dtype), F.add(total, 1e-6)), max=1.0)
        for g in grads:
            g.mul_(F.to_dtype(scale, g.dtype))
    return total


def clip_grad_value_(parameters, clip_value):
    """Clamp every gradient element to [-clip_value, clip_value] in place."""
    clip_value = float(clip_value)
    with no_grad():
        for p in _with_grads(parameters):
            p.grad.clamp_(-clip_value, clip_value)
