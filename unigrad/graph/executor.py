"""Run a Graph as a flat plan of prepared kernel calls.

Each step is (kernel, argument slots, output slots, slots to release); there is no per-op
dispatch, no Tensor wrapping and no tape. codegen.py turns the steps into straight-line Python;
memory_plan.py decides which results are written in place over dead operands, which go into
buffers the plan owns (out= kernels), and releases every other value after its last reader.
"""
import functools
import math
import threading

import numpy

from ..core.tensor import Tensor
from ..backend import dtypes as _dt
from ..backend.blas_threads import SMALL_GEMM_FLOPS, single_blas_thread
from ..errors import UnigradError
from .codegen import failed_step, generate
from .memory_plan import BufferPool, InPlace, in_place_kernels, liveness, out_kernel


class ExecutionError(UnigradError, RuntimeError):
    """A kernel failed while a compiled graph ran; the message names the node and its source line."""


class Plan:
    def __init__(self, graph, pool_buffers=True):
        self.graph = graph
        xp = graph.device.xp
        slot = {}

        def slot_of(v):
            if v not in slot:
                slot[v] = len(slot)
            return slot[v]

        self.placeholder_slots = [slot_of(v) for v in graph.placeholders]
        self.capture_slots = [(slot_of(v), _CurrentGrad(graph.grad_captures[v]) if v in graph.grad_captures else t)
                              for v, t in graph.captures]
        self.constant_slots = [(slot_of(v), arr) for v, arr in graph.constants.items()]
        last_use, root = liveness(graph)
        dies_at = {}
        for v, i in last_use.items():
            dies_at.setdefault(i, []).append(v)
        keep = graph.leaving_values()
        protected = keep | {root.get(v, v) for v in keep}  # memory handed out after the run
        effect_of = {id(t): v for t, v in graph.effects}
        host = {}  # value -> capture Tensor whose memory it was computed in (in-place updates)
        for v, t in graph.captures:
            if id(t) in effect_of:
                host[v] = t
        fresh = set()  # values in buffers no other value aliases, so they may be overwritten
        pool = BufferPool()
        pooled = {}    # step index -> the value it writes into a pooled buffer
        pooling = pool_buffers and xp is numpy
        self.steps = []
        for i, node in enumerate(graph.nodes):
            args = tuple(slot_of(v) for v in node.inputs)
            outs = tuple(slot_of(v) for v in node.outputs)
            release = tuple(slot_of(v) for v in set(node.inputs)
                            if last_use.get(v) == i and v not in keep and v.kind == "node")
            kernel = None
            node_xp = graph.device_of(node.outputs[0]).xp if node.outputs else xp  # (after a move: its device's)
            in_place = in_place_kernels(node, node_xp)
            if in_place is not None and node.outputs[0].dtype.is_floating_point:
                out = node.outputs[0]

                def reusable(operand):
                    return (operand.shape == out.shape and operand.dtype is out.dtype and out.shape != ()
                            and last_use.get(operand) == i and operand not in keep
                            and (operand in fresh or operand in host)
                            and not (operand in pool.holder and out in protected))
                first, over = node.inputs[0], 0
                if not reusable(first) and in_place[1] is not None and reusable(node.inputs[1]):
                    first, over = node.inputs[1], 1  # a*b == b*a: write over the second operand
                if reusable(first):  # write the result over the dead operand (liveness-based reuse)
                    kernel = InPlace(in_place[over], over)
                    if first in host:
                        host[out] = host[first]
                    if first in pool.holder:
                        pool.hand_over(first, out)
                    fresh.add(out)
                else:
                    fresh.add(out)
            if kernel is None:
                if node.op.array_fn is not None and not node.attrs:
                    kernel = node.op.array_fn
                else:
                    kernel = functools.partial(node.op.forward, node_xp, **node.attrs)
                if node.op.compiled.fresh:
                    fresh.update(node.outputs)
                if pooling and node_xp is numpy and _poolable(node, protected):
                    out = node.outputs[0]
                    pool.take(out, math.prod(out.shape) * numpy.dtype(out.dtype.np).itemsize)
                    pooled[i] = out  # fresh only if the allocating variant's kernel is fresh too
            for v in dies_at.get(i, ()):
                pool.release(v)
            for v in node.outputs:
                if v not in last_use:  # never read
                    pool.release(v)
            single = node.op.n_outputs == 1
            self.steps.append((kernel, args, outs, release, node, single))
        self.output_slots = [slot_of(v) for v in graph.outputs]
        self.output_dtypes = [v.dtype for v in graph.outputs]
        self.output_devices = [graph.device_of(v) for v in graph.outputs]
        # effects whose value was computed inside the target's own memory need no copy
        self.effect_slots = [(t, slot_of(v)) for t, v in graph.effects if host.get(v) is not t]
        self.n_slots = len(slot)
        # a graph whose outputs carry no floating values (e.g. a training step returning nothing
        # differentiable) never needs a tape entry
        self.effects_only_outputs = not any(v.dtype.is_floating_point for v in graph.user_outputs)
        self.small_gemms_only = xp is numpy and 0 < _largest_gemm_flops(graph) < SMALL_GEMM_FLOPS
        self.pool_bytes = pool.nbytes
        views = pool.views()
        # step index -> its out= kernel over a plan buffer (kept for profiling the generated code)
        self.pooled_kernels = pooled_kernels = {i: out_kernel(self.steps[i][4], views[v]) for i, v in pooled.items()}
        self._lock = threading.Lock()
        self._run, self._first_step_line = self._generate(lambda i: pooled_kernels.get(i) or self.steps[i][0])
        # a run that starts while another is using the buffers (another thread, or re-entry)
        # takes this variant, whose kernels allocate their results
        self._run_unpooled = self._run if not pooled else None

    def _generate(self, kernel_of):
        return generate(self.steps, self.placeholder_slots, self.capture_slots, self.constant_slots,
                        self.effect_slots, self.output_slots, kernel_of)

    def graph_needs_grad(self, inputs):
        """Whether calling with these inputs should be recorded for autograd."""
        if self.effects_only_outputs:
            return False
        return any(t.requires_grad for t in inputs) or any(t.requires_grad for _, t in self.graph.captures)

    def run(self, arrays):
        if self._lock.acquire(blocking=False):
            try:
                return self._call(self._run, arrays)
            finally:
                self._lock.release()
        if self._run_unpooled is None:
            self._run_unpooled = self._generate(lambda i: self.steps[i][0])[0]
        return self._call(self._run_unpooled, arrays)

    def _call(self, fn, arrays):
        try:
            if self.small_gemms_only:
                with single_blas_thread():
                    return fn(arrays)
            return fn(arrays)
        except Exception as exc:
            failed = failed_step([f for f in (self._run, self._run_unpooled) if f is not None],
                                 self._first_step_line, self.steps, exc)
            if failed is None:
                raise
            node, args = failed
            raise ExecutionError(_describe_failure(node, args, exc)) from exc


class _CurrentGrad:
    """Stands for a captured gradient: a run reads the leaf's .grad of the moment, not the
    Tensor that was its .grad while tracing (each compiled step binds a new one)."""
    __slots__ = ("leaf",)

    def __init__(self, leaf):
        self.leaf = leaf

    @property
    def _data(self):
        return self.leaf._grad._data


def _poolable(node, protected):
    """Whether node's result can be written into a plan-owned buffer with an out= kernel."""
    if node.op.n_outputs != 1:
        return False
    out = node.outputs[0]
    return (out not in protected and out.dtype.is_floating_point and math.prod(out.shape) > 0
            and all(v.dtype is out.dtype for v in node.inputs)
            and out_kernel(node, None) is not None)


def _largest_gemm_flops(graph):
    """The FLOPs of the graph's largest BLAS call (0 when it makes none)."""
    largest = 0
    for node in graph.nodes:
        facts = node.op.compiled
        if facts.blas:
            largest = max(largest, facts.flops(node.inputs, node.outputs, node.attrs))
    return largest


def _describe_failure(node, args, exc):
    shapes = ", ".join(f"{tuple(getattr(a, 'shape', ()))}" for a in args)
    where = f" (op created at {node.site})" if node.site else ""
    return f"node '{node.name}'{where} failed on inputs of shapes [{shapes}]: {type(exc).__name__}: {exc}"


def wrap_outputs(plan, arrays):
    """The run's output arrays as Tensors, each on the device its value lives on."""
    out = []
    for a, dtype, device in zip(arrays, plan.output_dtypes, plan.output_devices):
        if device.xp is numpy and type(a) is not numpy.ndarray and device.type != "meta":
            a = numpy.asarray(a)  # NumPy scalars from full reductions
        out.append(Tensor._make(a, device, dtype if a.dtype == dtype.np else _dt.dtype_of(a)))
    return out
