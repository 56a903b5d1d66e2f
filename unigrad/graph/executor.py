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
        last_use = {}
        for i, node in enumerate(graph.nodes):
            for v in node.inputs:
                last_use[v] = i
        keep = set(graph.outputs) | {v for _, v in graph.effects}
        self.steps = []
        for i, node in enumerate(graph.nodes):
            args = tuple(slot_of(v) for v in node.inputs)
            outs = tuple(slot_of(v) for v in node.outputs)
            release = tuple(slot_of(v) for v in set(node.inputs)
                            if last_use.get(v) == i and v not in keep and v.kind == "node")
            if isinstance(node.op, str):
                kernel = _random_kernel(node.op.split(".", 1)[1], node.attrs)
            elif node.op.array_fn is not None and not node.attrs:
                kernel = node.op.array_fn
            else:
                kernel = functools.partial(node.op.forward, xp, **node.attrs)
            self.steps.append((kernel, args, outs, release, node))
        self.output_slots = [slot_of(v) for v in graph.outputs]
        self.output_dtypes = [v.dtype for v in graph.outputs]
        self.effect_slots = [(t, slot_of(v)) for t, v in graph.effects]
        self.n_slots = len(slot)

    def run(self, arrays):
        env = [None] * self.n_slots
        for s, a in zip(self.placeholder_slots, arrays):
            env[s] = a
        for s, t in self.capture_slots:
            env[s] = t._data
        for s, a in self.constant_slots:
            env[s] = a
        for kernel, args, outs, release, node in self.steps:
            try:
                result = kernel(*[env[a] for a in args])
            except Exception as exc:
                raise ExecutionError(_describe_failure(node, [env[a] for a in args], exc)) from exc
            if len(outs) == 1:
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
