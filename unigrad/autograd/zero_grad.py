"""Clearing gradients, shared by Optimizer.zero_grad and Module.zero_grad."""
from ..core.trace_hook import state as _trace
from ..ops import api as F


def zero_grads(params, set_to_none=True):
    for p in params:
        if set_to_none:
            p.grad = None
            continue
        grad = p.grad
        if grad is None:
            continue
        if _trace.tracer.active:
            p.grad = F.zeros_like(grad)  # traced: filling the old array would bypass the trace
        else:
            grad = p.grad = grad.detach()
            grad._data.fill(0)
            grad._vc[0] += 1
