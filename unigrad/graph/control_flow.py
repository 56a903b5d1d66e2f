"""Data-dependent control flow that survives compilation: ug.cond and ug.while_loop.

Eagerly they are Python `if`/`while`. While tracing, each branch (or loop body) is traced into
its own sub-graph and the parent graph gets one `cond` / `while_loop` node that picks or repeats
sub-graphs at run time. Tensors of the parent graph that a branch reads become extra inputs of
the node. `cond` is differentiable: its gradient is another `cond` over the branches' gradients.
"""
from ..autograd.engine import grad as autograd_grad
from ..core.grad_mode import enable_grad, is_grad_enabled
from ..core.tensor import Tensor, as_tensor
from ..backend import dtypes as _dt
from ..core.trace_hook import state
from ..errors import InvalidArgumentError, ShapeError
from ..ops.dispatch import dispatch
from ..ops.registry import INTERNAL, Onnx, OpDef, Sample, register
from ..ops.sampling import randn
from .executor import Plan
from .tracer import Tracer, tracing

_ALL = tuple(range(64))


class Branch:
    """A traced sub-graph: its plan, how many explicit operands it takes, which implicit inputs."""

    def __init__(self, fn, plan, n_explicit, implicit, out_specs):
        self.fn, self.plan, self.n_explicit, self.implicit, self.out_specs = fn, plan, n_explicit, implicit, out_specs

    def run(self, explicit, implicit_arrays, implicit_index):
        arrays = list(explicit) + [implicit_arrays[implicit_index[id(t)]] for t in self.implicit]
        return self.plan.run(arrays)

    def __repr__(self):
        return f"<branch {getattr(self.fn, '__name__', 'fn')}: {len(self.plan.steps)} nodes>"


def _as_tuple(out, name):
    if isinstance(out, Tensor):
        return (out,), True
    if isinstance(out, (tuple, list)) and all(isinstance(o, Tensor) for o in out):
        return tuple(out), False
    raise InvalidArgumentError(f"{name} must return a Tensor or a tuple of Tensors, got {type(out).__name__}")


def _enclosing():
    """The trace running now, or None."""
    return state.tracer if state.tracer.active else None


def trace_branch(fn, operands, parent, name):
    device = operands[0].device if operands else (parent.graph.device if parent else None)
    tracer = Tracer(device, parent=parent)
    # the branch sees stand-ins for its operands, so that an operand it also reads from outside
    # (a loop's initial value used again in the body) is that outer value, not the loop variable
    proxies = [_stand_in(t) for t in operands]
    for i, t in enumerate(proxies):
        tracer.placeholder(t, f"arg{i}")
    with tracing(tracer):
        outs, single = _as_tuple(fn(*proxies), name)
    if tracer.graph.effects:
        raise InvalidArgumentError(f"{name} modifies a tensor in place; branches of cond/while_loop must be pure")
    tracer.graph.outputs = [tracer.output(o) for o in outs]
    specs = [(tuple(o.shape), o.dtype) for o in outs]
    return Branch(fn, Plan(tracer.graph), len(operands), tracer.implicit, specs), single


def _stand_in(t):
    """A new Tensor over a new view of t's array (the tracer knows tensors by object and by array)."""
    data = t._data.view() if hasattr(t._data, "view") else t._data
    return Tensor._make(data, t._device, t._dtype, requires_grad=t.requires_grad)


class CondBranches:
    def __init__(self, branches, implicit, single):
        self.branches, self.implicit, self.single = branches, implicit, single
        self.index = {id(t): i for i, t in enumerate(implicit)}

    def __repr__(self):
        return f"CondBranches({self.branches[0]!r}, {self.branches[1]!r})"


def _union(lists):
    seen, out = set(), []
    for lst in lists:
        for t in lst:
            if id(t) not in seen:
                seen.add(id(t))
                out.append(t)
    return out


def _cond_forward(xp, pred, *arrays, branches):
    n = branches.branches[0].n_explicit
    chosen = branches.branches[0] if bool(pred) else branches.branches[1]
    return tuple(chosen.run(arrays[:n], arrays[n:], branches.index))


def _cond_backward(ctx, *grads):
    pred, *rest = ctx.inputs
    info = ctx.attrs["branches"]
    n = info.branches[0].n_explicit
    inputs = list(rest)
    higher = is_grad_enabled()  # the engine enables grad only when a graph of the backward is wanted

    def vjp(branch):
        # the branch reads the explicit operands and its own implicit inputs, in that order
        positions = list(range(n)) + [n + info.index[id(t)] for t in branch.implicit]

        def grad_fn(*args):
            xs, gs = args[:len(inputs)], args[len(inputs):]
            got = replay_vjp(branch.plan.graph, [xs[i] for i in positions], (), gs, higher)
            per_input = [None] * len(xs)
            for i, g in zip(positions, got):
                per_input[i] = g
            # both branches must return the same structure, so unused inputs get zeros
            return tuple(g if g is not None else x * 0 for g, x in zip(per_input, xs))
        return grad_fn
    outs = cond(pred, vjp(info.branches[0]), vjp(info.branches[1]), *inputs, *grads)
    outs = outs if isinstance(outs, tuple) else (outs,)
    return (None,) + tuple(outs)


def run_graph_eagerly(graph, inputs):
    """Execute a graph op by op through dispatch, so the result is on the autograd tape."""
    env = dict(zip(graph.placeholders, inputs))
    for v, t in graph.captures:
        env[v] = t
    for v, arr in graph.constants.items():
        env[v] = Tensor._make(arr, graph.device, v.dtype)
    for node in graph.nodes:
        result = dispatch(node.op, tuple(env[v] for v in node.inputs), node.attrs)
        outs = result if isinstance(result, tuple) else (result,)
        env.update(zip(node.outputs, outs))
    return [env[v] for v in graph.outputs]


def replay_vjp(graph, feeds, extra, grads, create_graph):
    """Vector-Jacobian product of a graph: replay it through dispatch on `feeds` (its
    placeholders) and differentiate w.r.t. the feeds and `extra` tensors it reads (captured
    weights). Returns one gradient (or None) per feed, then per extra tensor."""
    with enable_grad():  # backward rules run with recording off; the replay must record
        xs = [t.detach().requires_grad_(True) if t.dtype.is_floating_point else t for t in feeds]
        outs = run_graph_eagerly(graph, xs)
        targets = xs + list(extra)
        wanted = [t for t in targets if t.requires_grad]
        pairs = [(o, g) for o, g in zip(outs, grads) if o.requires_grad]
        if not pairs or not wanted:
            return [None] * len(targets)
        got = iter(autograd_grad([o for o, _ in pairs], wanted, [g for _, g in pairs], allow_unused=True,
                                 create_graph=create_graph))
        return [next(got) if t.requires_grad else None for t in targets]


def _cond_samples():
    import numpy as np
    x = randn(3, 4)
    return [Sample((np.array(True), x), {"true_fn": lambda v: (v * v).sum(1), "false_fn": lambda v: v.exp().sum(1)}),
            Sample((np.array(False), x), {"true_fn": lambda v: (v * v).sum(1), "false_fn": lambda v: v.exp().sum(1)})]


cond_op = OpDef(
    name="cond", forward=_cond_forward, backward=_cond_backward, n_outputs=-1, diff_outputs=_ALL,
    onnx=Onnx(emit=lambda e, pred, *operands, sub: e.if_node(sub, pred, operands)),
    nondiff_inputs=(0,), saves_outputs=False, double_backward=False, variants=INTERNAL,  # users call ug.cond
    samples=_cond_samples,
    torch_ref=lambda torch, pred, *ops, true_fn, false_fn: true_fn(*ops) if bool(pred) else false_fn(*ops))


def _cond_op(pred, *operands, true_fn, false_fn):
    """Run one of two traced branches, chosen by a boolean scalar when the graph runs: always
    builds the op (the conformance test's view; users call ug.cond)."""
    return _build_cond(as_tensor(pred), true_fn, false_fn, operands, _enclosing())


register(cond_op, public=_cond_op)


def _build_cond(pred, true_fn, false_fn, operands, parent):
    if pred.numel() != 1 or pred.dtype is not _dt.bool_:
        raise InvalidArgumentError(f"cond: pred must be a boolean scalar tensor, got {pred.dtype.name}"
                                   f"{list(pred.shape)}")
    t_branch, single = trace_branch(true_fn, operands, parent, "true_fn")
    f_branch, _ = trace_branch(false_fn, operands, parent, "false_fn")
    if t_branch.out_specs != f_branch.out_specs:
        raise ShapeError(f"cond: the branches return different shapes/dtypes: true_fn gives "
                         f"{[(s, d.name) for s, d in t_branch.out_specs]}, false_fn gives "
                         f"{[(s, d.name) for s, d in f_branch.out_specs]}")
    implicit = _union([t_branch.implicit, f_branch.implicit])
    info = CondBranches([t_branch, f_branch], implicit, single)
    outs = dispatch(cond_op, (pred, *operands, *implicit), {"branches": info})
    return outs[0] if single else outs


def cond(pred, true_fn, false_fn, *operands):
    """`true_fn(*operands)` if pred else `false_fn(*operands)`, decided at run time in compiled graphs."""
    pred = as_tensor(pred)
    if not state.tracer.active:
        if pred.numel() != 1:
            raise InvalidArgumentError(f"cond: pred must be a scalar, got shape {tuple(pred.shape)}")
        return true_fn(*operands) if bool(pred) else false_fn(*operands)
    return _build_cond(pred, true_fn, false_fn, operands, state.tracer)


# ---- while_loop -------------------------------------------------------------------------------
class LoopBodies:
    def __init__(self, test, body, implicit):
        self.test, self.body, self.implicit = test, body, implicit
        self.index = {id(t): i for i, t in enumerate(implicit)}

    def __repr__(self):
        return f"LoopBodies({self.test!r}, {self.body!r})"


def _while_forward(xp, *arrays, loops, n):
    state_arrays, implicit = list(arrays[:n]), arrays[n:]
    while bool(loops.test.run(state_arrays, implicit, loops.index)[0]):
        state_arrays = loops.body.run(state_arrays, implicit, loops.index)
    return tuple(state_arrays)


def _while_samples():
    return [Sample((randn(3),), {"cond_fn": lambda v: v.abs().sum() < 100.0, "body_fn": lambda v: v * 2.0},
                   grad=False)]


while_op = OpDef(
    name="while_loop", forward=_while_forward, n_outputs=-1, diff_outputs=(), samples=_while_samples,
    onnx=Onnx(emit=lambda e, *inputs, n, sub: e.loop_node(sub, inputs, n)),
    variants=INTERNAL,  # users call ug.while_loop
    torch_ref=lambda torch, *vs, cond_fn, body_fn: _python_while(cond_fn, body_fn, vs))


def _while_op(*loop_vars, cond_fn, body_fn):
    """Repeat a traced body while a traced condition holds (not differentiable): always builds
    the op (the conformance test's view; users call ug.while_loop)."""
    return _build_while(cond_fn, body_fn, loop_vars, _enclosing())


register(while_op, public=_while_op)


def _python_while(cond_fn, body_fn, loop_vars):
    loop_vars = tuple(loop_vars)
    while bool(cond_fn(*loop_vars)):
        out = body_fn(*loop_vars)
        loop_vars = out if isinstance(out, tuple) else (out,)
    return loop_vars if len(loop_vars) > 1 else loop_vars[0]


def _build_while(cond_fn, body_fn, loop_vars, parent):
    loop_vars = tuple(loop_vars)
    test, _ = trace_branch(lambda *v: as_tensor(cond_fn(*v)), loop_vars, parent, "cond_fn")
    body, _ = trace_branch(body_fn, loop_vars, parent, "body_fn")
    specs = [(tuple(v.shape), v.dtype) for v in loop_vars]
    if body.out_specs != specs:
        raise ShapeError(f"while_loop: body_fn must return the loop variables' shapes/dtypes "
                         f"{[(s, d.name) for s, d in specs]}, got {[(s, d.name) for s, d in body.out_specs]}")
    implicit = _union([test.implicit, body.implicit])
    if is_grad_enabled() and any(t.requires_grad for t in (*loop_vars, *implicit)):
        # the loop op has no gradient: run the iterations as ops so autograd sees them. The trace
        # then reads the condition's value, which makes the compiled function run eagerly (correct
        # gradients, with jit's warning) rather than give a gradient of None
        return _python_while(cond_fn, body_fn, loop_vars)
    outs = dispatch(while_op, (*loop_vars, *implicit), {"loops": LoopBodies(test, body, implicit),
                                                         "n": len(loop_vars)})
    return outs if len(outs) > 1 else outs[0]


def while_loop(cond_fn, body_fn, loop_vars):
    """Repeat `loop_vars = body_fn(*loop_vars)` while `cond_fn(*loop_vars)`; compiled graphs keep the loop."""
    loop_vars = tuple(loop_vars)
    if not state.tracer.active:
        return _python_while(cond_fn, body_fn, loop_vars)
    return _build_while(cond_fn, body_fn, loop_vars, state.tracer)
