"""The op registry: every op is defined once and registered by name.

Primitive ops have a `forward(xp, *arrays, **attrs)` over raw arrays and a `backward(ctx, *grads)`
written with registered ops on Tensors (so gradients are differentiable and traceable).
Composite ops have an `impl(*tensors, **attrs)` written over other ops; their gradient comes
from that decomposition. Both carry `samples` and a `torch_ref` for the conformance test.
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


@dataclass(eq=False, slots=True)
class OpDef:
    name: str
    forward: Optional[Callable] = None      # primitives: (xp, *arrays, **attrs) -> array | tuple
    array_fn: Optional[Callable] = None     # optional same-semantics (*arrays) -> array without xp, for speed
    backward: Optional[Callable] = None     # primitives: (ctx, *grads) -> tuple of Tensor | None
    impl: Optional[Callable] = None         # composites: (*tensors, **attrs) -> Tensor(s)
    infer: Optional[Callable] = None        # (*specs, **attrs) -> spec | tuple of specs; validates
    samples: Optional[Callable] = None      # () -> iterable of Sample
    torch_ref: Optional[Callable] = None    # (torch, *torch_tensors, **attrs) -> torch output
    reference: Optional[Callable] = None    # independent numpy implementation, (np, *arrays, **attrs)
    n_outputs: int = 1
    diff_outputs: tuple = (0,)              # output indices that carry gradient
    nondiff_inputs: tuple = ()              # input indices never differentiated (indices, masks)
    saves_outputs: bool = False             # backward reads ctx.outputs
    saves_inputs: bool = True               # backward reads input values (False: only their shapes)
    view: bool = False                      # outputs alias input 0's memory
    double_backward: bool = True            # conformance checks grad-of-grad
    tolerance: dict = field(default_factory=dict)   # overrides of rtol/atol in conformance
    doc: str = ""
    public: Any = None                      # the user-facing function, set by register

    @property
    def composite(self):
        return self.impl is not None

    def __call__(self, *args, **kwargs):
        return self.public(*args, **kwargs)


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
    REGISTRY[op.name] = op
    return op


def get(name):
    return REGISTRY[name]
