"""What a traced graph assumes about the state around it, and what it hands back after a run.

A graph is valid for the state it was traced in. The tracer (this mixin) records, while the
Python function runs:
  - guards, checked before each run (`guards_hold`): the train/eval mode of the modules called,
    whether each .grad read at entry was None, the version of each 0-d tensor baked in as a
    constant or read into Python, the Python hyperparameters an optimizer baked in;
  - live numbers refreshed before each run (`before_run`): an optimizer's learning rate;
  - Python reads of computed values, which make the trace data-dependent (jit runs it eagerly);
  - bindings, applied after each run (`after_run`): gradients to .grad, new values of inputs the
    function changed in place, gradients the step clears.
"""
import weakref

from ..errors import user_frame
from ..ops.operands import _CONST_CACHE
from .ir import InputWrite


class GuardsMixin:
    """Tracer methods that record guards and bindings (state is initialised in Tracer.__init__)."""

    def _scalar_guards(self):
        """(weak ref, version counter, version) of each baked 0-d tensor that outlives the trace:
        a run finding one changed in place (a scalar hyperparameter the caller updates) retraces
        with it read live. Temporaries of the trace are gone by now."""
        const_ids = {id(t) for t in _CONST_CACHE.values()}  # the cache may have grown during the trace
        guards = []
        for ref, v in self.baked:
            tensor = ref()
            if tensor is not None and v.kind == "constant" and id(tensor) not in const_ids:
                guards.append((ref, tensor._vc, tensor._vc[0]))
        return guards + [guard for guard in self.read_guards if guard[0]() is not None]

    def refresh_before_run(self, tensor, owner, key):
        """Before each run, write owner[key] (a Python number that may change, like a learning
        rate) into `tensor`, a live capture of the graph."""
        if all(t is not tensor for t, _, _ in self.graph.pre_run):
            self.graph.pre_run.append((tensor, owner, key))

    def guard_value(self, owner, key, value):
        """The graph baked owner[key] in: a run finding another value retraces."""
        if all(o is not owner or k != key for o, k, _ in self.graph.value_guards):
            self.graph.value_guards.append((owner, key, value))

    def value_read(self, tensor):
        """Python read a tensor's value (if, float(), .item(), print): a graph would keep this
        call's value, so the trace records where, unless the value is a constant of the graph."""
        v = self.known_value(tensor)
        if v is None:  # made in the trace from Python data, or outside state the graph never read
            self.read_guards.append((weakref.ref(tensor), tensor._vc, tensor._vc[0]))
            return
        state = self._outside_state(v)
        if state is not None:  # computed from constants and state the graph does not write: guard that
            self.read_guards.extend((weakref.ref(t), t._vc, t._vc[0]) for t in state)
            return
        site = user_frame()
        tracer = self
        while tracer is not None:
            tracer.value_reads.append(site)
            tracer = tracer.parent

    def _outside_state(self, value):
        """The captured tensors `value` is computed from, when it depends on nothing else but
        constants (no input, random draw, or tensor the graph itself writes); else None."""
        captured = {id(v): t for v, t in self.graph.captures}
        stack, seen, state = [value], set(), []
        while stack:
            v = stack.pop()
            if id(v) in seen or v.kind == "constant":
                continue
            seen.add(id(v))
            if v.kind == "capture":
                tensor = captured[id(v)]
                if id(tensor) in self.effect_targets:
                    return None
                state.append(tensor)
            elif v.kind != "node" or v.producer.op.has_effects:
                return None
            else:
                stack.extend(v.producer.inputs)
        return state

    def module_called(self, module):
        if id(module) not in self.modules:
            self.modules[id(module)] = (weakref.ref(module), module.training)

    def grad_accessed(self, leaf, grad, write):
        """Tensor.grad was read or written while tracing."""
        key = id(leaf)
        if key not in self.grad_touched:
            self.grad_touched.add(key)
            self.grad_leaves.append(leaf)
            if not write:  # the graph depends on whether the leaf had a gradient when the run began
                self.grad_guards[key] = (leaf, grad is None)
            elif grad is None:  # zero_grad() first: the run may drop the old gradient at once
                self.grads_cleared_first.append(leaf)
        if not write and grad is not None:
            self.grad_of[id(grad)] = (grad, leaf)

    def finish(self, inputs):
        """After the traced call. Gradients the function left in .grad (loss.backward() in a training
        step) become extra outputs that each run binds to .grad again, so p.grad is current after a
        compiled step, as after an eager one (targets are captured leaves, or indices into
        `inputs`); inputs the function changed in place get their new values the same way; and the
        graph records which .grad it clears and the guards of the state it was traced in."""
        graph = self.graph
        leaves = [(t, t) for _, t in graph.captures] + list(zip(inputs, range(len(inputs))))
        seen, rebound = set(), set()
        for tensor, target in leaves:
            grad = tensor.grad
            if grad is None or id(tensor) in seen or not tensor.requires_grad:
                continue
            seen.add(id(tensor))
            v = self.known_value(grad)
            if v is None or v.kind == "capture":
                continue  # a .grad the function did not set (it may have read it)
            graph.outputs.append(v)
            graph.bindings.append(target)
            rebound.add(id(tensor))
        # an old gradient changed in place is not written back: its leaf gets the new value
        graph.effects = [(t, v) for t, v in graph.effects
                         if not (id(t) in self.grad_of and id(self.grad_of[id(t)][1]) in rebound)]
        for i, (tensor, placeholder) in enumerate(zip(inputs, graph.placeholders)):
            v = self.known_value(tensor)
            if v is not None and v is not placeholder:  # changed in place (x.add_(1)): write it back
                graph.outputs.append(v)
                graph.bindings.append(InputWrite(i))
        index = {id(t): i for i, t in enumerate(inputs)}
        graph.grads_cleared = [index.get(id(leaf), leaf) for leaf in self.grads_cleared_first]
        graph.grads_left_none = [index.get(id(leaf), leaf) for leaf in self.grad_leaves if leaf._grad is None]
        graph.grad_guards = [(index.get(id(leaf), leaf), was_none) for leaf, was_none in self.grad_guards.values()]
        graph.scalar_guards = self._scalar_guards()
        graph.mode_guards = list(self.modules.values())  # (weak ref, training) per module called


def _leaf(target, tensors):
    return tensors[target] if type(target) is int else target


def guards_hold(graph, tensors):
    """Whether the state the graph was traced in still holds: each .grad it read at entry is None
    exactly when it was, each 0-d tensor and hyperparameter it baked in has the value it had, and
    each module it went through is in the same train/eval mode."""
    for target, was_none in graph.grad_guards:
        if (_leaf(target, tensors)._grad is None) is not was_none:
            return False
    for ref, vc, version in graph.scalar_guards:
        if vc[0] != version and ref() is not None:
            return False
    for ref, training in graph.mode_guards:
        module = ref()
        if module is not None and module.training is not training:
            return False
    for owner, key, value in graph.value_guards:
        if owner.get(key) != value:
            return False
    return True


def guarded_state(graph, tensors):
    """A hashable summary of the guarded state now (which graph to use for it)."""
    return (tuple(_leaf(target, tensors)._grad is None for target, _ in graph.grad_guards),
            tuple(getattr(ref(), "training", None) for ref, _ in graph.mode_guards),
            repr([owner.get(key) for owner, key, _ in graph.value_guards]))


def changed_scalars(graph):
    """The 0-d tensors the graph baked in (or Python read) that changed in place since."""
    return [t for t in (ref() for ref, vc, version in graph.scalar_guards if vc[0] != version) if t is not None]


def before_run(graph, tensors):
    for tensor, owner, key in graph.pre_run:  # numbers read live (a scheduled learning rate)
        tensor._data[...] = owner[key]
    for target in graph.grads_cleared:  # the step begins with zero_grad(): free the old gradients now
        _leaf(target, tensors)._grad = None


def after_run(graph, outs, tensors):
    """Hand the trailing outputs back: each gradient to its target's .grad, each new value of an
    input changed in place into that input; return the function's own outputs."""
    for target in graph.grads_left_none:
        _leaf(target, tensors)._grad = None
    if not graph.bindings:
        return outs
    n = len(outs) - len(graph.bindings)
    for target, value in zip(graph.bindings, outs[n:]):
        if isinstance(target, InputWrite):
            tensor = tensors[target.index]
            tensor._data[...] = value._data
            tensor._vc[0] += 1
        else:
            _leaf(target, tensors).grad = value.detach() if value.requires_grad else value
    return outs[:n]
