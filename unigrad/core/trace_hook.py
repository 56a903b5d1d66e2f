"""The protocol through which running code reports to a graph tracer (graph/tracer.py).

Ops, tensors, modules and optimizers call these methods unconditionally on `state.tracer`.
Outside a trace it is NO_TRACE, whose methods do nothing, so no call site checks whether a
trace is running; code whose behaviour differs while tracing reads `state.tracer.active`.
"""


class TraceHook:
    """What a tracer is told. This base class is the no-op default (no trace is running)."""
    active = False

    def record(self, op, inputs, attrs, outputs):
        """`op` was applied to Tensors `inputs` with `attrs`, giving Tensors `outputs`."""

    def assign(self, target, result):
        """`target`'s memory now holds `result` (an in-place op)."""

    def alias(self, new, old):
        """`new` shares `old`'s memory and value (detach)."""

    def value_read(self, tensor):
        """Python is about to read `tensor`'s values (`if`, float(), .item(), print)."""

    def grad_accessed(self, leaf, grad, write):
        """`leaf.grad` was read (write=False, giving `grad`) or set to `grad`."""

    def module_called(self, module):
        """A Module was called (graphs depend on its train/eval mode)."""

    def make_live(self, tensor):
        """`tensor` is state that outlives a run (optimizer state): read it live, write it back."""

    def refresh_before_run(self, tensor, owner, key):
        """Before each run of the graph, write owner[key] (a live Python number) into `tensor`."""

    def guard_value(self, owner, key, value):
        """The graph bakes owner[key] == value in: a later run finding another value retraces."""


NO_TRACE = TraceHook()


class _TraceState:
    __slots__ = ("tracer",)

    def __init__(self):
        self.tracer = NO_TRACE


state = _TraceState()
