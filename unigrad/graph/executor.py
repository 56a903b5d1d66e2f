"""Run a Graph as a flat plan: a list of prepared kernel calls over numbered slots.

Each step is (kernel, argument slots, output slots, slots to release); there is no per-op
dispatch, no Tensor wrapping and no tape. A slot is released right after its last reader, so
peak memory follows liveness rather than the whole trace.
"""
import functools
import math

import numpy

from ..autograd.tensor import Tensor
from ..backend import dtypes as _dt
from ..backend.blas_threads import SMALL_GEMM_FLOPS, single_blas_thread
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
        self._run, self._line_of_step = _generate(self)
        self.small_gemms_only = xp is numpy and 0 < _largest_gemm_flops(graph) < SMALL_GEMM_FLOPS

    def graph_needs_grad(self, inputs):
        """Whether calling with these inputs should be recorded for autograd."""
        if self.effects_only_outputs:
            return False
        return any(t.requires_grad for t in inputs) or any(t.requires_grad for _, t in self.graph.captures)

    def run(self, arrays):
        try:
            if self.small_gemms_only:
                with single_blas_thread():
                    return self._run(arrays)
            return self._run(arrays)
        except Exception as exc:
            failed = _failed_step(self, exc)
            if failed is None:
                raise
            node, args = failed
            raise ExecutionError(_describe_failure(node, args, exc)) from exc


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


def _largest_gemm_flops(graph):
    largest = 0
    for node in graph.nodes:
        if not isinstance(node.op, str) and node.op.name == "matmul":
            a, b = node.inputs
            out = node.outputs[0].shape
            k = a.shape[-1] if len(a.shape) else 1
            largest = max(largest, 2 * k * math.prod(out))
    return largest


def _generate(plan):
    """Straight-line Python for the plan: one line per step over local variables, the kernels
    bound as closure cells, so a run costs the kernel calls and little else. Returns the run
    function and the first source line of the steps (line k + first is step k)."""
    bound = {}

    def bind(prefix, obj):
        name = f"{prefix}{len(bound)}"
        bound[name] = obj
        return name
    body = [f"    v{s} = inputs[{i}]" for i, s in enumerate(plan.placeholder_slots)]
    body += [f"    v{s} = {bind('C', t)}._data" for s, t in plan.capture_slots]
    body += [f"    v{s} = {bind('K', a)}" for s, a in plan.constant_slots]
    first_step_line = len(body) + 3  # after the factory's def, run's def and the lines above
    for kernel, args, outs, release, node, single in plan.steps:
        target = f"v{outs[0]}" if single else "".join(f"v{s}, " for s in outs)
        line = f"    {target} = {bind('k', kernel)}({', '.join(f'v{a}' for a in args)})"
        if release:
            line += "; del " + ", ".join(f"v{s}" for s in release)
        body.append(line)
    for t, s in plan.effect_slots:
        name = bind("E", t)
        body.append(f"    {name}._data[...] = v{s}; {name}._vc[0] += 1")
    body.append(f"    return [{', '.join(f'v{s}' for s in plan.output_slots)}]")
    source = "\n".join([f"def factory({', '.join(bound)}):", "  def run(inputs):"]
                       + ["  " + line for line in body] + ["  return run"])
    namespace = {}
    exec(compile(source, f"<compiled graph {len(plan.steps)} steps>", "exec"), namespace)
    return namespace["factory"](**bound), first_step_line


def _failed_step(plan, exc):
    """(node, argument arrays) of the step whose kernel raised `exc` inside the generated run."""
    code = plan._run.__code__
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code is not code:
        tb = tb.tb_next
    if tb is None:
        return None
    index = tb.tb_lineno - plan._line_of_step
    if not 0 <= index < len(plan.steps):
        return None
    _, args, _, _, node, _ = plan.steps[index]
    frame_locals = tb.tb_frame.f_locals
    return node, [frame_locals.get(f"v{a}") for a in args]


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
