"""Run a Graph as a flat plan: a list of prepared kernel calls over numbered slots.

Each step is (kernel, argument slots, output slots, slots to release); there is no per-op
dispatch, no Tensor wrapping and no tape. A slot is released right after its last reader, so
peak memory follows liveness rather than the whole trace.
"""
import functools

from ..autograd.tensor import Tensor
from ..backend import dtypes as _dt
from ..errors import UnigradError
from ..ops import creation


class ExecutionError(UnigradError, RuntimeError):
    """A kernel failed while a compiled graph ran; the message names the node and its source line."""


def _random_kernel(name, attrs):
    fn = getattr(creation, name)
    if name == "bernoulli_mask":
        return lambda: fn(attrs["shape"], attrs["keep"], attrs["dtype"], attrs["device"])._data
    kwargs = dict(attrs)
    size = kwargs.pop("size", None)
    if name in ("rand", "randn"):
        return lambda: fn(*size, **kwargs)._data
    if name == "randint":
        return lambda: fn(kwargs["low"], kwargs["high"], size, dtype=kwargs["dtype"], device=kwargs["device"])._data
    return lambda: fn(**kwargs)._data


class Plan:
    def __init__(self, graph):
        self.graph = graph
        xp = graph.device.xp
        slot = {}

        def slot_of(v):
            if v not in slot:
                slot[v] = len(slot)
            return slot[v]

        self.placeholder_slots = [slot_of(v) for v in graph.placeholders]
        self.capture_slots = [(slot_of(v), t) for v, t in graph.captures]
        self.constant_slots = [(slot_of(v), arr) for v, arr in graph.constants.items()]
        last_use = _last_use_with_aliases(graph)
        keep = set(graph.outputs) | {v for _, v in graph.effects}
        effect_of = {id(t): v for t, v in graph.effects}
        host = {}  # value -> capture Tensor whose memory it was computed in (in-place updates)
        for v, t in graph.captures:
            if id(t) in effect_of:
                host[v] = t
        fresh = set()  # values in buffers no other value aliases, so they may be overwritten
        self.steps = []
        for i, node in enumerate(graph.nodes):
            args = tuple(slot_of(v) for v in node.inputs)
            outs = tuple(slot_of(v) for v in node.outputs)
            release = tuple(slot_of(v) for v in set(node.inputs)
                            if last_use.get(v) == i and v not in keep and v.kind == "node")
            kernel = None
            ufunc = None if isinstance(node.op, str) else INPLACE_UFUNCS.get(node.op.name)
            if ufunc is not None and node.inputs and node.outputs[0].dtype.is_floating_point:
                first, out = node.inputs[0], node.outputs[0]
                reusable = (first.shape == out.shape and first.dtype is out.dtype and out.shape != ()
                            and last_use.get(first) == i and first not in keep
                            and (first in fresh or first in host))
                if reusable:  # write the result over the dead first operand (liveness-based reuse)
                    kernel = _inplace_kernel(getattr(xp, ufunc), len(node.inputs))
                    if first in host:
                        host[out] = host[first]
                    fresh.add(out)
                elif ufunc is not None:
                    fresh.add(out)
            if kernel is None:
                if isinstance(node.op, str):
                    kernel = _random_kernel(node.op.split(".", 1)[1], node.attrs)
                elif node.op.array_fn is not None and not node.attrs:
                    kernel = node.op.array_fn
                else:
                    kernel = functools.partial(node.op.forward, xp, **node.attrs)
                if not isinstance(node.op, str) and node.op.name in FRESH_RESULTS:
                    fresh.update(node.outputs)
            single = isinstance(node.op, str) or node.op.n_outputs == 1
            self.steps.append((kernel, args, outs, release, node, single))
        self.output_slots = [slot_of(v) for v in graph.outputs]
        self.output_dtypes = [v.dtype for v in graph.outputs]
        # effects whose value was computed inside the target's own memory need no copy
        self.effect_slots = [(t, slot_of(v)) for t, v in graph.effects if host.get(v) is not t]
        self.n_slots = len(slot)
        # a graph whose outputs carry no floating values (e.g. a training step returning nothing
        # differentiable) never needs a tape entry
        self.effects_only_outputs = not any(v.dtype.is_floating_point for v in graph.outputs)

    def graph_needs_grad(self, inputs):
        """Whether calling with these inputs should be recorded for autograd."""
        if self.effects_only_outputs:
            return False
        return any(t.requires_grad for t in inputs) or any(t.requires_grad for _, t in self.graph.captures)

    def run(self, arrays):
        env = [None] * self.n_slots
        for s, a in zip(self.placeholder_slots, arrays):
            env[s] = a
        for s, t in self.capture_slots:
            env[s] = t._data
        for s, a in self.constant_slots:
            env[s] = a
        for kernel, args, outs, release, node, single in self.steps:
            try:
                result = kernel(*[env[a] for a in args])
            except Exception as exc:
                raise ExecutionError(_describe_failure(node, [env[a] for a in args], exc)) from exc
            if single:
                env[outs[0]] = result
            else:
                for s, r in zip(outs, result):
                    env[s] = r
            for s in release:
                env[s] = None
        for tensor, s in self.effect_slots:
            tensor._data[...] = env[s]
            tensor._vc[0] += 1
        return [env[s] for s in self.output_slots]


# elementwise ops that can write into their first operand's buffer: op name -> ufunc name
INPLACE_UFUNCS = {"add": "add", "sub": "subtract", "mul": "multiply", "neg": "negative", "exp": "exp",
                  "tanh": "tanh", "sqrt": "sqrt", "maximum": "maximum", "minimum": "minimum"}
# ops whose result is always a new array nobody else references
FRESH_RESULTS = {"matmul", "im2col", "col2im", "tanh_backward", "sigmoid_backward", "threshold_backward",
                 "window_scatter", "softmax", "log_softmax", "relu", "sigmoid", "div", "pow", "clone", "pad",
                 "cat", "index", "gather", "scatter_add", "index_put", "where", "max_pool2d_values", "fused"}


def _inplace_kernel(ufunc, arity):
    if arity == 1:
        return lambda a: ufunc(a, out=a)
    return lambda a, b: ufunc(a, b, out=a)


def _last_use_with_aliases(graph):
    """Index of the last node reading each value, where reading a view counts as reading its base."""
    root = {}
    for node in graph.nodes:
        op = node.op
        aliasing = not isinstance(op, str) and (op.view or op.name in ("sum_to", "contiguous", "reshape"))
        for v in node.outputs:
            root[v] = root.get(node.inputs[0], node.inputs[0]) if aliasing and node.inputs else v
    last = {}
    for i, node in enumerate(graph.nodes):
        for v in node.inputs:
            last[v] = i
            base = root.get(v, v)
            last[base] = max(last.get(base, -1), i)
    for v in list(root):  # a base stays alive as long as any view of it is read
        base = root[v]
        if v in last:
            last[base] = max(last.get(base, -1), last[v])
    for out in graph.outputs:
        base = root.get(out, out)
        last[base] = len(graph.nodes)
    return last


def _describe_failure(node, args, exc):
    shapes = ", ".join(f"{tuple(getattr(a, 'shape', ()))}" for a in args)
    where = f" (op created at {node.site})" if node.site else ""
    return f"node '{node.name}'{where} failed on inputs of shapes [{shapes}]: {type(exc).__name__}: {exc}"


def wrap_outputs(plan, arrays, device):
    import numpy as np
    out = []
    for a, dtype in zip(arrays, plan.output_dtypes):
        if device.xp is np and type(a) is not np.ndarray:
            a = np.asarray(a)
        out.append(Tensor._make(a, device, _dt.dtype_of(a) if a.dtype != dtype.np else dtype))
    return out
