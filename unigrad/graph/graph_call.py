"""Calling a compiled graph from eager code with autograd: the `graph_call` op.

When a compiled function is called where gradients are wanted (an input or a captured weight
requires grad), its plan runs as one `graph_call` op on the tape. Its backward replays the
graph op by op through dispatch (recomputing the forward) and takes the vector-Jacobian
product with autograd, so a traced model can be trained eagerly like a PyTorch traced module.
"""
from ..core.grad_mode import is_grad_enabled
from ..ops.dispatch import dispatch
from ..ops.registry import INTERNAL, OpDef, Sample, register
from ..ops.sampling import randn
from .control_flow import replay_vjp
from .executor import Plan
from .tracer import Tracer, tracing

_ALL = tuple(range(64))


class CallInfo:
    """The plan to run and how many of the op's inputs are the graph's placeholders."""

    def __init__(self, plan, n_explicit):
        self.plan, self.n_explicit = plan, n_explicit

    def __repr__(self):
        return f"<graph of {len(self.plan.steps)} nodes>"


def _forward(xp, *arrays, call):
    return tuple(call.plan.run(list(arrays[:call.n_explicit])))  # captures are read live by the plan


def _backward(ctx, *grads):
    call = ctx.attrs["call"]
    n = call.n_explicit
    # the captured weights themselves are differentiated, so their gradients reach them
    return tuple(replay_vjp(call.plan.graph, ctx.inputs[:n], ctx.inputs[n:], grads, is_grad_enabled()))


def call_with_autograd(plan, inputs):
    """Run `plan` on Tensors `inputs` as a differentiable op; returns output Tensors."""
    weights = [t for _, t in plan.graph.captures if t.requires_grad]
    outs = dispatch(graph_call_op, tuple(inputs) + tuple(weights), {"call": CallInfo(plan, len(inputs))})
    return list(outs)


def _samples():
    def fn(x, w):
        return (x @ w).tanh().sum(1)
    return [Sample((randn(3, 4), randn(4, 2, seed=1)), {"fn": fn})]


graph_call_op = OpDef(
    name="graph_call", forward=_forward, backward=_backward, n_outputs=-1, diff_outputs=_ALL,
    saves_inputs=False, double_backward=False, samples=_samples, variants=INTERNAL,
    torch_ref=lambda torch, *inputs, fn: fn(*inputs))


def _graph_call(*inputs, fn):
    """fn traced on these inputs into a plan, run as one differentiable graph_call op (the
    conformance test's view; ug.jit makes these calls for compiled functions)."""
    tracer = Tracer(inputs[0].device)
    for i, t in enumerate(inputs):
        tracer.placeholder(t, f"in{i}")
    with tracing(tracer):
        out = fn(*inputs)
    tracer.graph.outputs = [tracer.output(out)]
    return call_with_autograd(Plan(tracer.graph), inputs)[0]


register(graph_call_op, public=_graph_call)
