"""The import rules: what each ONNX op (domain, op_type) is in unigrad ops, by op version.

A rule is a function `fn(ctx, *inputs, **attributes)` over unigrad Tensors (a missing optional
input is None, a sequence a list), registered with the first op version it is written for:

    @rule("Reshape", since=5, static=(1,))
    def reshape(ctx, data, shape, *, allowzero=0): ...

Attributes are keyword-only parameters named as in ONNX (their defaults are ONNX's); inputs
listed in `static` arrive as NumPy arrays of their values (shapes, axes, pads), known while
importing or read from the tensor. A rule may return NumPy arrays: values known without running
anything (Shape, Size), which later rules can read statically. A model's node uses the rule with
the highest `since` not above the opset its domain imports.
"""
import inspect
from dataclasses import dataclass
from typing import Callable

RULES = {}  # (domain, op_type) -> [Rule], by since


@dataclass(frozen=True)
class Rule:
    domain: str
    op_type: str
    since: int
    fn: Callable
    static: tuple        # input positions whose values the rule reads as arrays
    attributes: frozenset  # the attribute names it accepts (None: any)
    fold: bool           # evaluate while importing when every input is known (False: random, stateful)
    sequence_inputs: bool  # the rule takes sequences (lists) or optionals as inputs
    known: tuple = ()    # input positions passed as arrays when known (else as runtime values)


def canonical_domain(domain):
    return "" if domain in ("", "ai.onnx") else domain


def rule(op_type, since=1, domain="", static=(), fold=True, sequence_inputs=False, known=()):
    """Register `fn` as the import rule of (domain, op_type) from op version `since`."""
    def register(fn):
        params = inspect.signature(fn).parameters.values()
        takes_any = any(p.kind is p.VAR_KEYWORD for p in params)
        names = None if takes_any else frozenset(p.name for p in params if p.kind is p.KEYWORD_ONLY)
        entry = Rule(canonical_domain(domain), op_type, since, fn, tuple(static), names, fold, sequence_inputs,
                     tuple(known))
        versions = RULES.setdefault((entry.domain, op_type), [])
        versions.append(entry)
        versions.sort(key=lambda r: r.since)
        return fn
    return register


def find(domain, op_type, opset):
    """The rule a node of (domain, op_type) uses at this opset, or None."""
    found = None
    for entry in RULES.get((canonical_domain(domain), op_type), ()):
        if entry.since <= opset:
            found = entry
    return found


def known_ops():
    """Every (domain, op_type) with a rule."""
    return sorted(RULES)
