"""SGD with momentum, dampening, Nesterov and weight decay (PyTorch's formulation)."""
from ..core.tensor import Tensor
from ..backend.cblas import scaled_add_
from .optimizer import Optimizer
from ..errors import InvalidArgumentError


class SGD(Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False):
        if lr < 0 or momentum < 0 or weight_decay < 0:
            raise InvalidArgumentError(f"SGD: invalid lr={lr}, momentum={momentum} or weight_decay={weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise InvalidArgumentError("SGD: Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize))

    def _update(self, param, grad, state, group, xp):
        lr, momentum, wd = group["lr"], group["momentum"], group["weight_decay"]
        if group["maximize"]:
            grad = -grad
        if wd:
            grad = grad + wd * param
        if momentum:
            buf = state.get("momentum_buffer")
            if buf is None and isinstance(param, Tensor):
                # traced: the graph repeats this step, so start from zeros and use the general
                # update (identical to PyTorch's first step when dampening is 0)
                if group["dampening"]:
                    raise InvalidArgumentError("SGD with dampening: run one eager step before compiling the "
                                               "training step, so the momentum buffer exists")
                buf = state["momentum_buffer"] = xp.zeros_like(param)
            if buf is None:
                buf = state["momentum_buffer"] = grad.copy()
            else:
                scaled_add_(buf, grad, 1 - group["dampening"], momentum)
            grad = grad + momentum * buf if group["nesterov"] else buf
        scaled_add_(param, grad, -lr, 1)
