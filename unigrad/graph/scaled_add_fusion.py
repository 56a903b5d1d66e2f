"""Pass: sums and differences of scalar multiples become one axpby node.

    add(mul(y, b), x)       -> axpby(y, x, alpha=1,  beta=b)     (momentum: b*buf + grad)
    sub(y, mul(a, x))       -> axpby(y, x, alpha=-a, beta=1)     (SGD: w - lr*buf)
    add(mul(y, b), mul(x, a)) -> axpby(y, x, alpha=a, beta=b)   (and the mirrored forms)

Only when both operands have the result's shape and dtype (no broadcasting), the scale is a
scalar constant, and the product feeds nothing else. The memory plan then runs axpby in place
over a dead operand or a weight it updates: one BLAS pass instead of three NumPy ones.
CPU only: on CUDA elementwise fusion already makes such a tree one generated kernel.
"""
from .ir import Node


def _scalar(graph, v):
    arr = graph.constants.get(v)
    if arr is None or getattr(arr, "size", 0) != 1 or tuple(arr.shape) != ():
        return None
    return float(arr)


def _term(graph, v, users, protected, out):
    """(base value, coefficient, absorbed mul node or None) for one operand of the sum."""
    node = v.producer
    if (node is not None and node.name == "mul" and len(users.get(v, ())) == 1 and v not in protected
            and v.shape == out.shape and v.dtype is out.dtype):
        a, b = node.inputs
        for base, scale in ((a, b), (b, a)):
            c = _scalar(graph, scale)
            if c is not None and base.shape == out.shape and base.dtype is out.dtype:
                return base, c, node
    return v, 1.0, None


def scaled_add_fusion(graph):
    from ..ops.elementwise.scaled_add import axpby_op
    if getattr(getattr(graph.device, "xp", None), "__name__", None) != "numpy":
        return 0
    users = graph.users()
    protected = set(graph.outputs) | {v for _, v in graph.effects}
    absorbed = set()
    changed = 0
    for i, node in enumerate(graph.nodes):
        if node.name not in ("add", "sub") or len(node.inputs) != 2:
            continue
        out = node.outputs[0]
        if not out.dtype.is_floating_point or any(v.shape != out.shape or v.dtype is not out.dtype
                                                  for v in node.inputs):
            continue
        y, beta, mul_y = _term(graph, node.inputs[0], users, protected, out)
        x, alpha, mul_x = _term(graph, node.inputs[1], users, protected, out)
        if mul_y is None and mul_x is None:
            continue  # a plain sum: nothing to fold
        if node.name == "sub":
            alpha = -alpha
        fused = Node(axpby_op, [y, x], {"alpha": alpha, "beta": beta}, node.site)
        fused.outputs = [out]
        out.producer, out.index = fused, 0
        graph.nodes[i] = fused
        absorbed.update(id(m) for m in (mul_y, mul_x) if m is not None)
        changed += 1
    if absorbed:  # the products now feed nothing
        graph.nodes = [n for n in graph.nodes if id(n) not in absorbed]
    return changed
