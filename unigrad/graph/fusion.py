"""Elementwise fusion: a tree of elementwise nodes becomes one kernel.

On CUDA the fused kernel is a generated CuPy ElementwiseKernel (one launch instead of one per
op). On the CPU it can be a numexpr expression (one multi-threaded, cache-blocked pass), but
measured on the project machine (2 cores, docs/benchmarks.md) numexpr made compiled training
steps slower (MLP 6.9 ms vs 4.8 ms, LeNet 15.6 vs 14.6): its threads compete with BLAS and a
fused result cannot be written in place over a dead operand the way the executor's plain
ufunc steps are. So CPU fusion is off unless CPU_FUSION is set; it then applies from
MIN_CPU_ELEMENTS elements up, and only when numexpr is installed.
"""
import itertools

from ..ops.registry import Compiled, OpDef
from .ir import Node

MIN_CPU_ELEMENTS = 1 << 15
ENABLED = True      # set False to compile without fusion (for measurements)
CPU_FUSION = False  # numexpr fusion on the CPU: measured slower here, see the module docstring

def _fusable(node):
    """An elementwise node whose op declares a fusion template (OpDef.compiled.fusion)."""
    return (node.op.compiled.fusion is not None and not node.attrs
            and len(node.outputs) == 1 and node.outputs[0].dtype.is_floating_point
            and all(v.dtype is node.outputs[0].dtype for v in node.inputs))


class FusedKernel:
    """Callable kernel for a fused group; `expr` is kept for printing and tests."""

    def __init__(self, expr, cuda_expr, names, dtype, xp):
        self.expr, self.cuda_expr, self.names, self.dtype = expr, cuda_expr, names, dtype
        self.xp = xp
        if xp.__name__ == "numpy":
            import numexpr
            self.run = lambda *arrays: numexpr.evaluate(expr, local_dict=dict(zip(names, arrays)))
        else:
            # one type parameter T for every operand: CuPy binds it from the arrays it is given
            params = ", ".join(f"T {n}" for n in names)
            kernel = xp.ElementwiseKernel(params, "T out", f"out = {cuda_expr}", "unigrad_fused")
            np_dtype = dtype.np
            self.run = lambda *arrays: kernel(*[a if a.dtype == np_dtype else a.astype(np_dtype) for a in arrays])

    def __call__(self, *arrays):
        return self.run(*arrays)

    def __repr__(self):
        return f"fused[{self.expr}]"


def elementwise_fusion(graph):
    """Fuse single-output trees of elementwise nodes; returns the number of nodes removed."""
    xp = graph.device.xp
    if not ENABLED:
        return 0
    if xp.__name__ == "numpy":
        if not CPU_FUSION:
            return 0
        try:
            import numexpr  # noqa: F401
        except ImportError:
            return 0
    users = graph.users()
    protected = graph.leaving_values()
    producer = {v: n for n in graph.nodes for v in n.outputs}
    removed = 0
    fused_into = {}
    for root in reversed(graph.nodes):
        if root in fused_into or not _fusable(root):
            continue
        out = root.outputs[0]
        if xp.__name__ == "numpy" and _numel(out.shape) < MIN_CPU_ELEMENTS:
            continue
        members = [root]

        def absorb(v):
            p = producer.get(v)
            if (p is not None and p not in fused_into and _fusable(p) and v not in protected
                    and len(users.get(v, [])) == 1 and p.outputs[0].shape == out.shape):
                members.append(p)
                return p
            return None
        stack = [root]
        while stack:
            node = stack.pop()
            for v in node.inputs:
                p = absorb(v)
                if p is not None:
                    stack.append(p)
        if len(members) < 2:
            continue
        names, leaf_names = {}, []
        counter = itertools.count()

        def name_of(v):
            if v not in names:
                names[v] = f"x{next(counter)}"
                leaf_names.append(v)
            return names[v]

        def build(node, which):
            args = []
            for v in node.inputs:
                p = producer.get(v)
                args.append(build(p, which) if p in members and p is not node else name_of(v))
            return node.op.compiled.fusion[which].format(*args)
        expr, cuda_expr = build(root, 0), build(root, 1)  # the second pass meets the same leaves
        kernel = FusedKernel(expr, cuda_expr, [names[v] for v in leaf_names], out.dtype, xp)
        original_root = Node(root.op, root.inputs, root.attrs, root.site)
        original_root.outputs = root.outputs
        order = {n: i for i, n in enumerate(graph.nodes)}
        originals = sorted([original_root] + members[1:], key=lambda n: order[root if n is original_root else n])
        root.op = _FusedOp(kernel, originals)
        root.inputs = leaf_names
        root.attrs = {}
        for m in members[1:]:
            fused_into[m] = root
        removed += len(members) - 1
    graph.nodes = [n for n in graph.nodes if n not in fused_into]
    return removed


class _FusedOp(OpDef):
    """Stands in for the fused nodes in the graph: an unregistered op whose forward is the kernel."""

    def __init__(self, kernel, originals):
        super().__init__(name="fused", forward=lambda xp, *arrays: kernel(*arrays), diff_outputs=(),
                         compiled=Compiled(fresh=True))
        self.kernel = kernel
        self.originals = originals  # the unfused nodes, for saving the graph

    def __repr__(self):
        return repr(self.kernel)


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n
