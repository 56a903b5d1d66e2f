"""Record op applications into a Graph while a function runs eagerly (like torch.jit.trace).

Every primitive goes through dispatch, which reports to the active tracer, so any Python code
over unigrad ops traces, composites and backward rules included. Python control flow is
resolved at trace time: the graph holds the path the example inputs took.
"""
import contextlib
import weakref

from ..errors import user_frame
from ..ops.operands import _CONST_CACHE
from ..core.trace_hook import TraceHook, state
from .ir import Graph
from .trace_guards import GuardsMixin


class Tracer(GuardsMixin, TraceHook):
    active = True

    def __init__(self, device=None, parent=None, live_scalars=()):
        self.graph = Graph(device)
        self.parent = parent  # the enclosing trace, when tracing the branches of ug.cond/while_loop
        self.implicit = []    # tensors of the enclosing trace this one reads (they become extra inputs)
        # id -> (weak reference, Value); the weak reference tells a live object from a new one that
        # reused a dead object's id, without keeping every intermediate alive during the trace
        self.values = {}      # Tensors
        self.arrays = {}      # their arrays: a new Tensor over traced memory is the same value
        self.const_ids = None
        self.effect_targets = set()
        self.view_sources = {}  # id(view) -> (weak view, base, view_inverse, attrs), for in-place updates
        self.value_reads = []   # where Python read a computed tensor's value (the trace is data-dependent)
        self.read_guards = []   # (weak ref, version counter, version) of other tensors Python read
        self.baked = []  # (weak ref, constant Value) for 0-d tensors read as constants
        self.live_scalars = live_scalars  # ids of 0-d tensors to read live, never bake
        self.modules = {}  # id -> (weak ref, training) of each Module called while tracing
        # .grad bookkeeping (Tensor.grad reports reads and writes while tracing)
        self.grad_guards = {}   # id(leaf) -> (leaf, whether .grad was None) when first read before any write
        self.grad_touched = set()  # ids of leaves whose .grad was read or written
        self.grad_of = {}       # id(grad Tensor) -> (grad, leaf) for grads read from a leaf
        self.grad_leaves = []   # the leaves whose .grad was read or written, in order
        self.grads_cleared_first = []  # leaves whose .grad the function set to None before reading it

    # ---- tensors entering the graph --------------------------------------------------------
    def placeholder(self, tensor, name=None):
        v = self.graph.placeholder(tuple(tensor.shape), tensor.dtype, name)
        self._bind(tensor, v)
        return v

    def _bind(self, tensor, value):
        self.values[id(tensor)] = (weakref.ref(tensor), value)
        try:
            self.arrays[id(tensor._data)] = (weakref.ref(tensor._data), value)
        except TypeError:  # array types without weak references: only the Tensor is tracked
            pass

    @staticmethod
    def _lookup(table, obj):
        entry = table.get(id(obj))
        if entry is not None and entry[0]() is obj:
            return entry[1]
        return None

    def known_value(self, tensor):
        """The value bound to `tensor` in this trace, or None (never creates a capture)."""
        v = self._lookup(self.values, tensor)
        return v if v is not None else self._lookup(self.arrays, tensor._data)

    def value_of(self, tensor):
        v = self._lookup(self.values, tensor)
        if v is not None:
            return v
        v = self._lookup(self.arrays, tensor._data)
        if v is not None:  # e.g. an op's saved output rebuilt as a Tensor for its backward rule
            self._bind(tensor, v)
            return v
        if self.parent is not None:
            outer = self.parent._lookup(self.parent.values, tensor)
            if outer is None:
                outer = self.parent._lookup(self.parent.arrays, tensor._data)
            if (outer is not None and outer.kind in ("node", "placeholder")) or \
                    (tensor.requires_grad and (outer is None or outer.kind == "capture")):
                # computed by the enclosing graph, or a weight whose gradient must flow out of the
                # branch: it comes in as an input instead of being read live
                self.implicit.append(tensor)
                return self.placeholder(tensor, f"outer{len(self.implicit) - 1}")
        if self.const_ids is None:
            self.const_ids = {id(t) for t in _CONST_CACHE.values()}
        if id(tensor) in self.const_ids or (tensor._data.ndim == 0 and not tensor.requires_grad
                                            and id(tensor) not in self.live_scalars):
            v = self.graph.constant(tensor._data, tensor.dtype)  # scalars baked into the graph
            if id(tensor) not in self.const_ids:  # guarded: a change of its value retraces (scalar_guards)
                self.baked.append((weakref.ref(tensor), v))
        else:
            v = self._capture(tensor)  # read live at every run: weights, buffers, data
        self._bind(tensor, v)
        return v

    def _capture(self, tensor):
        v = self.graph.capture(tensor)
        entry = self.grad_of.get(id(tensor))
        if entry is not None and entry[0] is tensor:  # a .grad from before the run: read the leaf's current one
            self.graph.grad_captures[v] = entry[1]
        return v

    # ---- hooks called by dispatch and in-place ops -------------------------------------------
    def record(self, op, inputs, attrs, outputs):
        ins = [self.value_of(t) for t in inputs]
        node = self.graph.add_node(op, ins, attrs, [(tuple(o.shape), o.dtype) for o in outputs], user_frame())
        for t, v in zip(outputs, node.outputs):
            self._bind(t, v)
        if op.compiled.view_inverse is not None:  # an in-place update of this view must update its base too
            # the base is held while the view lives (a temporary view of a view, m.T[0], must still
            # reach m), as a NumPy view holds its base array; the entry goes with the view
            key, sources = id(outputs[0]), self.view_sources

            def forget(ref):
                if sources.get(key, (None,))[0] is ref:
                    del sources[key]
            sources[key] = (weakref.ref(outputs[0], forget), inputs[0], op.compiled.view_inverse, attrs)

    def _unbake(self, tensor, v):
        """A scalar read as a constant is state after all: make its Value a live capture."""
        if self.graph.constants.pop(v, None) is not None:
            v.kind = "capture"
            self.graph.captures.append((v, tensor))

    def assign(self, target, result):
        """target's memory now holds result: later reads see result's value; captures get an effect.
        When target is a view (a slice, reshape or permute taken in this trace), its base is
        updated too, so the change reaches the base's later reads and the base's owner."""
        source = self.view_sources.get(id(target))
        if source is not None and source[0]() is target:
            base = source[1]
            self.assign(base, source[2](base, result, source[3]))
        v = self.value_of(result)
        old = self._lookup(self.values, target)
        if old is not None and old.kind == "constant" and any(ref() is target for ref, _ in self.baked):
            self._unbake(target, old)  # a scalar the function updates in place (a step counter)
        if old is None:
            self._capture(target)
        if old is None or old.kind == "capture" or id(target) in self.effect_targets:
            # memory that outlives the run (weights, buffers, optimizer state): write the last value back
            self.effect_targets.add(id(target))
            self.graph.effects = [(t, x) for t, x in self.graph.effects if t is not target]
            self.graph.effects.append((target, v))
        self._bind(target, v)

    def make_live(self, tensor):
        """Make `tensor` a live capture: runs read its memory and in-place updates become effects
        (optimizer state created while tracing)."""
        v = self._lookup(self.values, tensor)
        made_here = v is not None and v.kind == "node" and not v.producer.inputs and not v.producer.op.random
        if v is None or v.kind == "constant" or made_here:  # freshly made state (zeros_like, a constant):
            self._bind(tensor, self.graph.capture(tensor))  # values computed from inputs stay what they are

    def alias(self, new, old):
        """`new` shares `old`'s memory and value (detach, .data)."""
        self._bind(new, self.value_of(old))

    def output(self, tensor):
        return self.value_of(tensor)

@contextlib.contextmanager
def tracing(tracer):
    """Make `tracer` the active one; a tracer with a parent (a branch) nests inside its parent."""
    if state.tracer.active and tracer.parent is not state.tracer:
        raise RuntimeError("nested tracing is not supported: a traced function called another trace")
    previous = state.tracer
    state.tracer = tracer
    try:
        yield tracer
    finally:
        state.tracer = previous
