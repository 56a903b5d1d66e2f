"""Caffe's update rules (SGDSolver and its subclasses' ComputeUpdateValue) as ops on Tensors, so a
compiled training step holds them: each returns the value Caffe writes into the diff, which
the caller subtracts from the weights. `h` holds the history blobs (saved in a .solverstate);
`lr` is rate * lr_mult as a 0-d Tensor.

    SGD       v <- momentum v + lr g;           update v   (the rate is inside the momentum)
    Nesterov  v' <- momentum v + lr g;          update (1 + momentum) v' - momentum v
    AdaGrad   h <- h + g^2;                     update lr g / (sqrt(h) + delta)
    RMSProp   h <- rms_decay h + (1 - rms_decay) g^2; update lr g / (sqrt(h) + delta)
    AdaDelta  h1 <- m h1 + (1-m) g^2; u = g sqrt((h2 + delta) / (h1 + delta)); h2 <- m h2 + (1-m) u^2; update lr u
    Adam      m <- b1 m + (1-b1) g; v <- b2 v + (1-b2) g^2; update lr c m / (sqrt(v) + delta), c = sqrt(1-b2^t)/(1-b1^t)
"""
from ..ops import api as F
from .errors import NetDefinitionError

SOLVER_TYPES = ("SGD", "Nesterov", "AdaGrad", "RMSProp", "AdaDelta", "Adam")
TWO_HISTORIES = ("AdaDelta", "Adam")


def check_solver(param):
    """Caffe's constructor checks for the solver type."""
    kind = param.type
    if kind not in SOLVER_TYPES:
        raise NetDefinitionError(f"unknown solver type {kind!r}; Caffe's solvers: {', '.join(SOLVER_TYPES)}")
    if kind in ("AdaGrad", "RMSProp") and param.momentum != 0:
        raise NetDefinitionError(f"momentum cannot be used with {kind} (momentum: {param.momentum})")
    if kind == "RMSProp" and not 0 <= param.rms_decay < 1:
        raise NetDefinitionError(f"rms_decay should lie between 0 and 1, got {param.rms_decay}")
    if param.regularization_type not in ("L1", "L2"):
        raise NetDefinitionError(f"unknown regularization type: {param.regularization_type!r} (L1 or L2)")


def history_count(kind):
    return 2 if kind in TWO_HISTORIES else 1


def update_value(kind, param, g, h, lr, correction=None):
    """The update for one parameter (in place on its histories `h`)."""
    m, delta = param.momentum, param.delta
    if kind == "SGD":
        h[0].mul_(m).add_(F.mul(g, lr))
        return h[0]
    if kind == "Nesterov":
        old = F.mul(h[0], m)
        h[0].mul_(m).add_(F.mul(g, lr))
        return F.sub(F.mul(h[0], 1.0 + m), old)
    if kind == "AdaGrad":
        h[0].add_(F.square(g))
        return F.mul(F.div(g, F.add(F.sqrt(h[0]), delta)), lr)
    if kind == "RMSProp":
        rho = param.rms_decay
        h[0].mul_(rho).add_(F.mul(F.square(g), 1.0 - rho))
        return F.mul(F.div(g, F.add(F.sqrt(h[0]), delta)), lr)
    if kind == "AdaDelta":
        h[0].mul_(m).add_(F.mul(F.square(g), 1.0 - m))
        u = F.mul(g, F.sqrt(F.div(F.add(h[1], delta), F.add(h[0], delta))))
        h[1].mul_(m).add_(F.mul(F.square(u), 1.0 - m))
        return F.mul(u, lr)
    if kind == "Adam":
        b1, b2 = param.momentum, param.momentum2
        h[0].mul_(b1).add_(F.mul(g, 1.0 - b1))
        h[1].mul_(b2).add_(F.mul(F.square(g), 1.0 - b2))
        return F.mul(F.div(h[0], F.add(F.sqrt(h[1]), delta)), F.mul(lr, correction))
    raise NetDefinitionError(f"unknown solver type {kind!r}")
