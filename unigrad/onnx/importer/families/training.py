"""ai.onnx.preview.training: the optimizer steps Adagrad, Momentum (standard and Nesterov) and
Adam, each over any number of tensors, as the spec's pseudo code, with registry ops (R, the
learning rate, and T, the update count, are scalars read as values); and Gradient, through
unigrad's autograd."""
import numpy as np

from ....ops import api as F
from ..rules import rule
from .common import scalar

DOMAIN = "ai.onnx.preview.training"


def _groups(tensors, k):
    n = len(tensors) // k
    return [tensors[i * n:(i + 1) * n] for i in range(k)]


def _scalar_of(value):
    return float(np.asarray(value).reshape(-1)[0])


def _regularized(ctx, x, g, norm_coefficient):
    return F.add(F.mul(x, scalar(ctx, norm_coefficient, x)), g) if norm_coefficient else g


@rule("Adagrad", since=1, domain=DOMAIN, static=(0, 1))
def adagrad(ctx, r, t, *tensors, decay_factor=0.0, epsilon=1e-6, norm_coefficient=0.0):
    xs, gs, hs = _groups(tensors, 3)
    rate = _scalar_of(r) / (1 + _scalar_of(t) * decay_factor)
    new_x, new_h = [], []
    for x, g, h in zip(xs, gs, hs):
        g = _regularized(ctx, x, g, norm_coefficient)
        h = F.add(h, F.mul(g, g))
        adaptive = F.add(F.sqrt(h), scalar(ctx, epsilon, h))
        new_x.append(F.sub(x, F.div(F.mul(g, scalar(ctx, rate, g)), adaptive)))
        new_h.append(h)
    return tuple(new_x + new_h)


@rule("Momentum", since=1, domain=DOMAIN, static=(0, 1))
def momentum(ctx, r, t, *tensors, alpha, beta, mode, norm_coefficient):
    xs, gs, vs = _groups(tensors, 3)
    rate, step = _scalar_of(r), _scalar_of(t)
    beta = beta if step > 0 else 1.0
    nesterov = (mode.decode() if isinstance(mode, bytes) else mode) == "nesterov"
    new_x, new_v = [], []
    for x, g, v in zip(xs, gs, vs):
        g = _regularized(ctx, x, g, norm_coefficient)
        v = F.add(F.mul(v, scalar(ctx, alpha, v)), F.mul(g, scalar(ctx, beta, g)))
        direction = F.add(g, F.mul(v, scalar(ctx, alpha, v))) if nesterov else v
        new_x.append(F.sub(x, F.mul(direction, scalar(ctx, rate, x))))
        new_v.append(v)
    return tuple(new_x + new_v)


@rule("Adam", since=1, domain=DOMAIN, static=(0, 1))
def adam(ctx, r, t, *tensors, alpha=0.9, beta=0.999, epsilon=1e-6, norm_coefficient=0.0, norm_coefficient_post=0.0):
    xs, gs, vs, hs = _groups(tensors, 4)
    rate, step = _scalar_of(r), _scalar_of(t)
    if step > 0:
        rate = rate * np.sqrt(1 - beta ** step) / (1 - alpha ** step)
    new_x, new_v, new_h = [], [], []
    for x, g, v, h in zip(xs, gs, vs, hs):
        g = _regularized(ctx, x, g, norm_coefficient)
        v = F.add(F.mul(v, scalar(ctx, alpha, v)), F.mul(g, scalar(ctx, 1 - alpha, g)))
        h = F.add(F.mul(h, scalar(ctx, beta, h)), F.mul(F.mul(g, g), scalar(ctx, 1 - beta, g)))
        root = F.add(F.sqrt(h), scalar(ctx, epsilon, h))
        updated = F.sub(x, F.div(F.mul(v, scalar(ctx, rate, v)), root))
        if norm_coefficient_post:
            updated = F.mul(updated, scalar(ctx, 1 - norm_coefficient_post, updated))
        new_x.append(updated)
        new_v.append(v)
        new_h.append(h)
    return tuple(new_x + new_v + new_h)


@rule("Gradient", since=1, domain=DOMAIN, sequence_inputs=True)
def gradient(ctx, *inputs, xs, y, zs=None):
    """d y / d xs: the nodes between xs and y run again on fresh leaves with autograd on, then
    unigrad's autograd.grad gives the gradients (zeros for an x that y does not depend on)."""
    from ....autograd.engine import grad
    from ....core.grad_mode import enable_grad
    from ..interpreter import Scope, _run_node
    graph = ctx.run.model.graph
    if ctx.node not in graph.nodes:
        raise ctx.attr_error("Gradient inside a subgraph or function is not supported")
    producers = {o: node for node in graph.nodes[:graph.nodes.index(ctx.node)] for o in node.outputs}
    needed, stack, seen = [], [y], set(xs)
    while stack:
        name = stack.pop()
        if name in seen or name not in producers:
            continue
        seen.add(name)
        node = producers[name]
        if node not in needed:
            needed.append(node)
            stack.extend(i for i in node.inputs if i)
    needed.sort(key=graph.nodes.index)
    scope = Scope(ctx.scope)
    with enable_grad():
        leaves = []
        for name, value in zip(xs, inputs[:len(xs)]):
            leaf = F.clone(value if not isinstance(value, np.ndarray) else ctx.const(value)).detach()
            leaf.requires_grad_(True)
            scope.set(name, leaf)
            leaves.append(leaf)
        for node in needed:
            _run_node(ctx.run, node, scope, ctx.run.model.opsets)
        out, _, _ = scope.lookup(y)
        grads = grad(out, leaves, allow_unused=True)
    return tuple(F.zeros_like(leaf) if g is None else g.detach() for g, leaf in zip(grads, leaves))
