"""Pass: sums and differences of scalar multiples become one axpby node.

    add(mul(y, b), x)         -> axpby(y, x, alpha=1,  beta=b)   (momentum: b*buf + grad)
    sub(y, mul(a, x))         -> axpby(y, x, alpha=-a, beta=1)   (SGD: w - lr*buf)
    add(mul(y, b), mul(x, a)) -> axpby(y, x, alpha=a, beta=b)    (and the mirrored forms)

Only when both operands have the result's shape and dtype (no broadcasting), the scale is a
scalar of that dtype (a constant, or a value such as a learning rate read live), and the
product feeds nothing else. The memory plan then runs axpby in place over a dead operand or a
weight it updates: one BLAS pass instead of three NumPy ones.
CPU only: on CUDA elementwise fusion already makes such a tree one generated kernel.
"""
import numpy as np

from ..ops.registry import REGISTRY
from .ir import Node


def _is_scalar(v, dtype):
    return v.shape == () and v.dtype is dtype


def _term(v, users, protected, out):
    """(base value, scale value or None for 1, absorbed mul node or None) for one operand."""
    node = v.producer
    if (node is not None and node.name == "mul" and len(users.get(v, ())) == 1 and v not in protected
            and v.shape == out.shape and v.dtype is out.dtype):
        a, b = node.inputs
        for base, scale in ((a, b), (b, a)):
            if _is_scalar(scale, out.dtype) and base.shape == out.shape and base.dtype is out.dtype:
                return base, scale, node
    return v, None, None


def scaled_add_fusion(graph):
    neg_op, axpby_op = REGISTRY["neg"], REGISTRY["axpby"]
    if getattr(getattr(graph.device, "xp", None), "__name__", None) != "numpy":
        return 0
    users = graph.users()
    protected = graph.leaving_values()
    absorbed = set()
    rewritten = []
    changed = 0
    made = {}
    for node in graph.nodes:
        if node.name not in ("add", "sub") or len(node.inputs) != 2:
            rewritten.append(node)
            continue
        out = node.outputs[0]
        y, beta, mul_y = _term(node.inputs[0], users, protected, out)
        x, alpha, mul_x = _term(node.inputs[1], users, protected, out)
        if (not out.dtype.is_floating_point or (mul_y is None and mul_x is None)
                or any(v.shape != out.shape or v.dtype is not out.dtype for v in node.inputs)):
            rewritten.append(node)  # broadcasting, or a plain sum: nothing to fold
            continue

        def scalar(v, number):
            if v is not None:
                return v
            key = (number, out.dtype)
            if key not in made:  # one constant per number and dtype
                made[key] = graph.constant(np.asarray(number, dtype=out.dtype.np), out.dtype)
            return made[key]
        alpha, beta = scalar(alpha, 1.0), scalar(beta, 1.0)
        if node.name == "sub":
            const = graph.constants.get(alpha)
            if const is not None:
                alpha = graph.constant(-const, out.dtype)
            else:  # a live scale: negate it first (one scalar op)
                negation = Node(neg_op, [alpha], {}, node.site)
                negation.outputs = [graph.new_value((), out.dtype, negation)]
                rewritten.append(negation)
                alpha = negation.outputs[0]
        fused = Node(axpby_op, [y, x, alpha, beta], {}, node.site)
        fused.outputs = [out]
        out.producer, out.index = fused, 0
        rewritten.append(fused)
        absorbed.update(id(m) for m in (mul_y, mul_x) if m is not None)
        changed += 1
    graph.nodes = [n for n in rewritten if id(n) not in absorbed]  # the products now feed nothing
    return changed
