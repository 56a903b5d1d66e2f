"""ug.jit: trace Python functions and modules into graphs, optimise them, run them as flat plans.

    fast = ug.jit(fn)                      # decorator form; traces on first call per input signature
    fast = ug.jit.trace(model, (x,))       # trace now with example inputs

A compiled function is cached per input signature (shapes, dtypes, devices, and the values of
non-tensor arguments). Calls that differ only in sizes are generalised (generalize.py): once a
trace confirms a fitted shape-generic graph, new sizes are instantiated without tracing
(`ug.jit(fn, dynamic=False)` traces every shape; `jit.trace(..., dynamic_batch=True)` traces two
more batch sizes up front so the result, and a graph saved from it, take any batch size).
Python control flow (if/for on values) is
resolved while tracing: the graph holds the path the example inputs took. Use ug.cond /
ug.while_loop for control flow that must depend on data at run time.
Where gradients are wanted (an input or a captured weight requires grad), a compiled call is one
differentiable op whose backward replays the graph; compiling the whole training step (forward,
backward, optimizer update) is faster still.
"""
import functools
import warnings
import weakref

import numpy as np

from ..core.grad_mode import is_grad_enabled
from ..core.tensor import Tensor
from ..core.trace_hook import state as _trace_state
from ..backend.device import cpu
from ..errors import DataError, InvalidArgumentError, InvalidTypeError
from . import serialize
from .executor import Plan, wrap_outputs
from .graph_call import call_with_autograd
from .structure import flatten, unflatten
from .trace_guards import after_run, before_run, changed_scalars, guarded_state, guards_hold
from .passes import optimize as run_passes
from .tracer import Tracer, tracing


class _Keywords(dict):
    """A call's keyword arguments, carried as its last positional argument."""


def _signature(spec, tensors):
    return (repr(spec), tuple((tuple(t._data.shape), t._dtype, t._device) for t in tensors))


def _shape_pattern(spec, tensors):
    """The signature with every size left out: calls that differ only in sizes share it."""
    return repr(spec), tuple((t._data.ndim, t._dtype, t._device) for t in tensors)


class _ShapeFamily:
    """Traces of one function that differ only in input sizes, and their generalisation.

    A candidate generic graph is fitted to all the traces kept so far; it is trusted once it
    predicts, exactly, a trace it was not fitted to. A trace it mispredicts joins the fit (more
    traces leave fewer coincidences). After MAX_TRACES the family gives up and every shape
    keeps its own trace."""
    MAX_TRACES = 5

    def __init__(self):
        self.traces = []      # optimised graphs
        self.out_spec = None
        self.generic = None
        self.verified = False
        self.failed = False
        self.reason = None    # why the traces could not be generalised

    def learn(self, shapes, graph, out_spec):
        from .generalize import NotGeneric, fingerprint, generalize
        if self.failed:
            return
        if not self.traces:
            self.traces.append(graph)
            self.out_spec = out_spec
            return
        if repr(self.out_spec) != repr(out_spec):
            self.failed = True
            return
        if self.generic is not None:
            try:
                self.verified = fingerprint(self.generic.instantiate(shapes)) == fingerprint(graph)
            except NotGeneric:
                pass
            if self.verified:
                self.traces = self.traces[:1]  # the first trace stays for the output structure
                return
        self.traces.append(graph)
        try:
            self.generic, self.reason = generalize(self.traces), None
        except NotGeneric as exc:
            self.generic, self.reason = None, str(exc)
        self.failed = self.generic is None or len(self.traces) >= self.MAX_TRACES
        if self.failed and self.reason is None:
            self.reason = f"{len(self.traces)} traces gave no generalisation that predicts the next one"


class JitFallbackWarning(UserWarning):
    """A function given to ug.jit runs eagerly because its trace depends on tensor values."""


class CompiledFunction:
    def __init__(self, fn, optimize=True, dynamic=True):
        self.fn = fn
        self.optimize = optimize
        self.dynamic = dynamic
        self.cache = {}
        self.fast_cache = {}  # (shape, dtype, device) per argument, when every argument is a Tensor
        self.families = {}  # signature without sizes -> _ShapeFamily
        self.state_cache = {}  # (signature, guarded state: .grad None-ness, modes, values) -> entry
        self.live_scalars = weakref.WeakValueDictionary()  # id -> 0-d tensor changed between calls: read live
        self.eager_reason = None  # why the function runs eagerly (it reads tensor values into Python)
        functools.update_wrapper(self, fn, updated=())

    def __call__(self, *args, **kwargs):
        if kwargs:  # keyword arguments travel as one more (dict) argument: part of the signature
            args = args + (_Keywords(sorted(kwargs.items())),)
        if _trace_state.tracer.active or self.eager_reason is not None:
            # called while another graph is traced: inline the Python; or data-dependent: run eagerly
            return self._invoke(args)
        # fast path: all arguments are tensors whose signature was seen before
        try:
            fast_key = tuple([(a._data.shape, a._dtype, a._device) for a in args])
        except AttributeError:  # not all Tensors
            fast_key = None
        else:
            entry = self.fast_cache.get(fast_key)
            if entry is not None and guards_hold(entry[0].graph, args):
                return self._run(entry, args)
        tensors = []
        spec = flatten(list(args), tensors)
        key = _signature(spec, tensors)
        entry = self.cache.get(key)
        if entry is None:
            family = self.families.setdefault(_shape_pattern(spec, tensors), _ShapeFamily()) \
                if self.dynamic and tensors else None
            shapes = [tuple(t._data.shape) for t in tensors]
            if family is not None and family.verified:
                # new sizes for a shape-generic function: instantiate, do not trace again
                entry = self._instantiate(family, shapes, tensors[0].device)
            if entry is None:
                result, entry = self._trace(args, tensors)
                self.cache[key] = entry
                if family is not None and not family.verified:
                    family.learn(shapes, entry[0].graph, entry[1])
                return result
            self.cache[key] = entry
        if not guards_hold(entry[0].graph, tensors):
            return self._run_other_state(key, entry, args, tensors)
        if fast_key is not None and all(isinstance(a, Tensor) for a in args):
            self.fast_cache[fast_key] = entry
        return self._run(entry, tensors)

    def _invoke(self, args):
        """Call the Python function on these arguments (keywords unpacked)."""
        if args and type(args[-1]) is _Keywords:
            return self.fn(*args[:-1], **args[-1])
        return self.fn(*args)

    def _run_other_state(self, key, entry, args, tensors):
        """A guard failed. A 0-d tensor baked as a constant was changed in place (a scalar the
        caller updates): from now on it is read live, and every graph is traced again. Or the graph
        assumed some .grad was None (or not) when the call began, and now it is not (gradients
        accumulating over calls), a module it went through is now in the other train/eval mode,
        or a hyperparameter it baked in changed: run, tracing first if needed, the graph for this
        state."""
        changed = changed_scalars(entry[0].graph)
        if changed:
            for t in changed:
                self.live_scalars[id(t)] = t
            for table in (self.cache, self.fast_cache, self.state_cache, self.families):
                table.clear()
            if args and type(args[-1]) is _Keywords:
                return self(*args[:-1], **args[-1])
            return self(*args)
        state = guarded_state(entry[0].graph, tensors)
        other = self.state_cache.get((key, state))
        if other is None or not guards_hold(other[0].graph, tensors):
            result, self.state_cache[(key, state)] = self._trace(args, tensors)
            return result
        return self._run(other, tensors)

    @staticmethod
    def _instantiate(family, shapes, device):
        from .generalize import NotGeneric
        try:
            return Plan(family.generic.instantiate(shapes)), family.out_spec, device
        except NotGeneric:  # sizes the generic graph does not cover: trace them
            return None

    @staticmethod
    def _run(entry, tensors):
        plan, out_spec, device = entry
        before_run(plan.graph, tensors)
        if is_grad_enabled() and plan.graph_needs_grad(tensors):
            outs = call_with_autograd(plan, tensors)
        else:
            outs = wrap_outputs(plan, plan.run([t._data for t in tensors]))
        return unflatten(out_spec, after_run(plan.graph, outs, tensors))

    def _trace(self, args, tensors):
        device = tensors[0].device if tensors else cpu
        tracer = Tracer(device, live_scalars=self.live_scalars)
        for i, t in enumerate(tensors):
            tracer.placeholder(t, f"in{i}")
        with tracing(tracer):
            result = self._invoke(args)
        if tracer.value_reads:
            self._fall_back_to_eager(tracer.value_reads)
        out_tensors = []
        out_spec = flatten(result, out_tensors)
        graph = tracer.graph
        graph.outputs = [tracer.output(t) for t in out_tensors]
        tracer.finish(tensors)
        if self.optimize:
            self.last_report = run_passes(graph)
        self.graph = graph
        return result, (Plan(graph), out_spec, device)

    def _fall_back_to_eager(self, sites):
        name = getattr(self.fn, "__name__", type(self.fn).__name__)
        self.eager_reason = (f"{name} reads tensor values into Python at {', '.join(dict.fromkeys(sites))} "
                             "(an `if`, float(), .item() or print on a computed tensor)")
        warnings.warn(f"ug.jit: {self.eager_reason}; a compiled graph would keep the values of the call it was "
                      "traced on, so it runs eagerly instead. Use ug.cond / ug.while_loop for data-dependent "
                      "control flow, and return tensors rather than Python numbers (a ug.while_loop whose result "
                      "needs a gradient runs eagerly too: the loop op has no gradient yet).", JitFallbackWarning,
                      stacklevel=4)

    def graph_for(self, *args):
        """The optimised graph for these inputs (tracing if needed)."""
        tensors = []
        key = _signature(flatten(list(args), tensors), tensors)
        if key not in self.cache:
            self(*args)
        return self.cache[key][0].graph


def trace(fn, example_inputs=(), optimize=True, dynamic=True, dynamic_batch=False):
    """Compile `fn` (a function or Module) by tracing it on example_inputs now.

    dynamic_batch=True also traces at two more batch sizes (the example rows repeated), so the
    compiled function, and a graph saved from it, take any batch size without tracing again;
    it raises when the function's graph depends on the batch size in a way that cannot be
    generalised. Captured tensors the extra traces write (weights, optimizer state) are restored
    afterwards; other Python side effects of the function happen three times."""
    if not callable(fn):
        raise InvalidTypeError(f"jit.trace expects a function or Module, got {type(fn).__name__}")
    if isinstance(example_inputs, Tensor):
        example_inputs = (example_inputs,)
    compiled = CompiledFunction(fn, optimize, dynamic or dynamic_batch)
    compiled(*example_inputs)
    if dynamic_batch:
        _trace_more_batch_sizes(compiled, example_inputs)
    return compiled


def _trace_more_batch_sizes(compiled, example_inputs):
    tensors = [t for t in example_inputs if isinstance(t, Tensor)]
    sizes = {t.shape[0] if t.ndim else None for t in tensors}
    if len(sizes) != 1 or None in sizes:
        raise InvalidArgumentError("jit.trace(dynamic_batch=True) needs tensor inputs that share a leading batch "
                                   f"dimension, got shapes {[tuple(t.shape) for t in tensors]}")
    batch = sizes.pop()
    # the extra traces run the function too: what they write into captured tensors (a training
    # step's weights and optimizer state) is put back, so only the example's call has effects
    written = {id(t): t for plan, _, _ in compiled.cache.values() for t, _ in plan.graph.effects}
    saved = [(t, t._data.copy()) for t in written.values()]
    grads = [(t, t.grad) for plan, _, _ in compiled.cache.values() for t in plan.graph.bindings
             if isinstance(t, Tensor)]
    for size in (batch + 1, batch + 3):
        rows = np.arange(size) % batch  # the example's rows, repeated: real data of the new size
        compiled(*[_take_rows(a, rows) if isinstance(a, Tensor) else a for a in example_inputs])
    for t, data in saved:
        t._data[...] = data
        t._vc[0] += 1
    for t, grad in grads:
        t.grad = grad
    family = next(iter(compiled.families.values()))
    if not family.verified:
        raise InvalidArgumentError(f"jit.trace(dynamic_batch=True): {getattr(compiled.fn, '__name__', 'the function')}"
                                   f" does not generalise over the batch size ({family.reason or 'unverified'}); "
                                   "trace it without dynamic_batch to compile one batch size")


def _take_rows(t, rows):
    from ..core.grad_mode import no_grad
    with no_grad():
        return Tensor._make(t._data[t.device.xp.asarray(rows)], t.device, t.dtype)


class _Jit:
    """`ug.jit(fn)` compiles a function; `ug.jit.trace`, `ug.jit.save`, `ug.jit.load` live here too."""
    CompiledFunction = CompiledFunction
    trace = staticmethod(trace)

    @staticmethod
    def save(compiled, path):
        """Write a compiled function's graph (one input signature, or a shape-generic one) and its
        weights to `path` (docs/graph-format.md)."""
        if not isinstance(compiled, CompiledFunction):
            return serialize.save_graph(compiled, ("T", 0), path)
        generic = _saveable_generic(compiled)
        if generic is not None:
            return serialize.save_generic(generic, next(iter(compiled.families.values())).out_spec, path)
        if len(compiled.cache) != 1:
            raise DataError(f"jit.save: the function has been compiled for {len(compiled.cache)} input signatures "
                            "and has not been generalised over them; save needs one signature (ug.jit.trace with "
                            "the example inputs) or a shape-generic function (ug.jit.trace(..., dynamic_batch=True))")
        plan, out_spec, _device = next(iter(compiled.cache.values()))
        return serialize.save_graph(plan.graph, out_spec, path)

    @staticmethod
    def load(path, device=None):
        """Load a graph saved by jit.save; it runs without the code that produced it."""
        return serialize.load(path, device)

    def __call__(self, fn=None, *, optimize=True, dynamic=True):
        if fn is None:
            return lambda f: CompiledFunction(f, optimize, dynamic)
        return CompiledFunction(fn, optimize, dynamic)


def _saveable_generic(compiled):
    """The verified shape-generic graph of a function compiled for one kind of call, if any."""
    if len(compiled.families) != 1:
        return None
    family = next(iter(compiled.families.values()))
    if not family.verified or any(hasattr(op, "originals") for op, *_ in family.generic.nodes):
        return None  # (fused CUDA kernels are saved from concrete graphs only)
    return family.generic


jit = _Jit()
