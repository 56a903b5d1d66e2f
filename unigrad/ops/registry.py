"""The op registry: every op is defined once, as an OpDef, and registered by name.

An OpDef is the only place that knows anything about an op. Primitive ops have a
`forward(xp, *arrays, **attrs)` over raw arrays and a `backward(ctx, *grads)` written with
registered ops on Tensors (so gradients are differentiable and traceable); composite ops have
an `impl(*tensors, **attrs)` written over other ops, whose gradient comes from that
decomposition. What the graph compiler may do with an op is its `compiled` record; how users
call it (function, Tensor method, in-place method, operator, nn.functional name) is its
`variants` record, which registering binds (ops/bindings.py); `samples` and `torch_ref` drive
the conformance test. Everything else (the compiler, Tensor, nn.functional, compat.v1) reads
these fields and keeps no table of its own.
"""
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from ..errors import InvalidArgumentError

REGISTRY = {}


@dataclass
class Sample:
    """One conformance case: positional inputs (arrays or python values) and attrs."""
    inputs: tuple
    attrs: dict = field(default_factory=dict)
    grad: bool = True          # check gradients for this sample
    diff: tuple = None         # inputs to differentiate (default: every floating input)
    fd: bool = True            # compare gradients with finite differences (False: only with PyTorch)
    double: bool = True        # check grad-of-grad for this sample
    name: str = ""


@dataclass(frozen=True)
class InPlace:
    """How an op may write its result over the memory of an operand that dies at it.

    ufunc: a NumPy/CuPy ufunc name, called with out=operand (on either device); over operand 1
    too when the op is commutative. Or NumPy-only kernels (*operands, out) -> out: `over_first`
    writes over operand 0, `over_second` (optional) over operand 1."""
    ufunc: Optional[str] = None
    over_first: Optional[Callable] = None
    over_second: Optional[Callable] = None


@dataclass(frozen=True)
class BuildOut:
    """An out= kernel that depends on the node: build(inputs, attrs, out) -> kernel(*operands)
    writing into the array `out`, or None when this node has none. With out=None it only
    answers whether it would have one (a true value)."""
    build: Callable


@dataclass(frozen=True)
class Compiled:
    """What the graph compiler (graph/) may do with an op, beyond calling its forward."""
    in_place: Optional[InPlace] = None    # runs over a dead operand's memory
    commutative: bool = False             # op(a, b) == op(b, a)
    out: Any = None                       # its out= kernel: a ufunc name, a function (*operands, out), or BuildOut
    fresh: bool = False                   # its result is always a new array no other value references
    may_alias: Any = False                # its result may be input 0's memory (True, or a function of the node)
    fusion: Optional[tuple] = None        # (numexpr template, CUDA C template) over {0}, {1}, ...
    view_inverse: Optional[Callable] = None  # (base, view's new value, attrs) -> base's new value
    flops: Optional[Callable] = None      # (input specs, output specs, attrs) -> floating-point operations
    blas: bool = False                    # its kernel is a BLAS call (plans of small ones use one BLAS thread)
    neutral: tuple = ()                   # (operand index, number): op gives the other operand when that
                                          # operand is this constant (x + 0, x * 1, x / 1)
    identity: Optional[Callable] = None   # (node) -> whether the node gives its first input unchanged


NOTHING_COMPILED = Compiled()


@dataclass(frozen=True)
class Variants:
    """How users call an op: the names its public function is bound to (ops/bindings.py).

    methods and inplace take names, or {name: function(self, ...)} where a name needs its own
    signature (Tensor.expand(*sizes) for broadcast_to); an in-place method writes what its
    function returns into self. Reflected operators call the function with self second."""
    function: bool = True               # ug.<op name> is the public function (False: an internal op)
    aliases: tuple = ()                 # more ug.<name>s for it (divide, true_divide)
    methods: Any = ()                   # Tensor.<name>(self, ...)
    operators: tuple = ()               # Python operators with self first: "__add__", "__getitem__"
    reflected: tuple = ()               # Tensor.__radd__(self, other) = function(other, self)
    inplace: Any = ()                   # Tensor.add_(self, other), "__iadd__": self takes the result
    properties: Any = ()                # {name: function(self)} read as Tensor attributes (T, mT)
    functional: Any = ()                # nn.functional names (True: the op's own name)


INTERNAL = Variants(function=False)     # called by other ops only (gradients, fused forms)


@dataclass(frozen=True)
class Onnx:
    """How an op exports to ONNX; unigrad/onnx reads it (ops never import onnx). Either one node,
    `op_type`, whose attributes are `attrs(**op_attrs) -> dict` (none when attrs is None), or
    `emit(e, *input_names, **op_attrs)` (a composite: `emit(e, **arguments)`, its tensors as names)
    that writes nodes through the emitter `e` unigrad/onnx passes in and returns the output
    name(s). `opset`: the lowest default-domain opset the rule is written for."""
    op_type: Optional[str] = None
    attrs: Optional[Callable] = None
    emit: Optional[Callable] = None
    opset: int = 1


@dataclass(eq=False, slots=True)
class OpDef:
    name: str
    forward: Optional[Callable] = None      # primitives: (xp, *arrays, **attrs) -> array | tuple
    array_fn: Optional[Callable] = None     # optional same-semantics (*arrays) -> array without xp, for speed
    backward: Optional[Callable] = None     # primitives: (ctx, *grads) -> tuple of Tensor | None
    impl: Optional[Callable] = None         # composites: (*tensors, **attrs) -> Tensor(s)
    infer: Optional[Callable] = None        # (*specs, **attrs) -> spec | tuple of specs; validates
    n_outputs: int = 1
    diff_outputs: tuple = (0,)              # output indices that carry gradient
    nondiff_inputs: tuple = ()              # input indices never differentiated (indices, masks)
    saves_outputs: bool = False             # backward reads ctx.outputs
    saves_inputs: bool = True               # backward reads input values (False: only their shapes)
    view: bool = False                      # outputs alias input 0's memory
    device_attr: Optional[str] = None       # the result lives on the device this attr names (factories,
                                            # to_device), not on the inputs' device
    random: bool = False                    # draws from a Generator: each run draws anew, never merged or folded
    collective: bool = False                # talks to the job's other ranks: every rank runs it, never merged or folded
    compiled: Compiled = NOTHING_COMPILED   # what the graph compiler may do with it
    variants: Variants = Variants()         # how users call it
    samples: Optional[Callable] = None      # () -> iterable of Sample
    torch_ref: Optional[Callable] = None    # (torch, *torch_tensors, **attrs) -> torch output
    reference: Optional[Callable] = None    # independent numpy implementation, (np, *arrays, **attrs)
    double_backward: bool = True            # conformance checks grad-of-grad
    tolerance: dict = field(default_factory=dict)   # overrides of rtol/atol in conformance
    onnx: Optional[Onnx] = None             # its ONNX export rule (a composite without one exports its parts)
    public: Any = None                      # the user-facing function, set by register

    @property
    def composite(self):
        return self.impl is not None

    @property
    def has_effects(self):
        """A random draw (new numbers each run) or a collective (the other ranks wait for it): the
        compiler never merges, folds or freezes such a node."""
        return self.random or self.collective

    def __call__(self, *args, **kwargs):
        return self.public(*args, **kwargs)

    def __repr__(self):
        return f"<op {self.name}>"


def register(op, public=None):
    """Add op to the registry; `public` is the user-facing function (defaults to a dispatch call)."""
    if op.name in REGISTRY:
        raise InvalidArgumentError(f"op {op.name!r} registered twice")
    if op.forward is None and op.impl is None:
        raise InvalidArgumentError(f"op {op.name!r} needs a forward (primitive) or an impl (composite)")
    if op.forward is not None and op.backward is None and op.diff_outputs:
        raise InvalidArgumentError(f"primitive op {op.name!r} with differentiable outputs needs a backward")
    if public is None:
        from .dispatch import dispatch
        if op.impl is not None:
            public = op.impl
        else:
            def public(*inputs, **attrs):
                return dispatch(op, inputs, attrs)
            public.__name__ = op.name
    op.public = public
    from .bindings import bind
    bind(op)
    REGISTRY[op.name] = op
    return op


def get(name):
    return REGISTRY[name]
