"""Helpers the graph tests share: tracing a function into a Graph, and a training step."""
import unigrad as ug
from unigrad.graph import passes
from unigrad.graph.tracer import Tracer, tracing


def trace_graph(fn, *inputs, optimize=False):
    """The Graph of fn(*inputs) on the CPU; a tuple result gives several outputs."""
    tracer = Tracer(ug.Device("cpu"))
    for t in inputs:
        tracer.placeholder(t)
    with tracing(tracer):
        out = fn(*inputs)
    outs = out if isinstance(out, tuple) else (out,)
    tracer.graph.outputs = [tracer.output(o) for o in outs]
    if optimize:
        passes.optimize(tracer.graph)
    return tracer.graph


def train_step(model, opt, loss_fn=ug.nn.functional.cross_entropy, zero_grad_last=False):
    """A training step; zero_grad_last clears the gradients after the update instead of before."""
    def step(x, y):
        loss = loss_fn(model(x), y)
        if not zero_grad_last:
            opt.zero_grad()
        loss.backward()
        opt.step()
        if zero_grad_last:
            opt.zero_grad()
        return loss
    return step
