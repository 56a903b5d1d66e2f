"""Batch-generic graphs: one traced structure reused for every batch size.

Two traces of the same function at batch sizes B1 and B2 are compared node by node. Where
they differ only by integers that are the same multiple of the batch size (a reshape to
(B, 800), a broadcast to (B, 10), a random draw of shape (B, 500)), the difference becomes a
symbolic k*B, and the graph's placeholders get a symbolic leading dimension. Constants that
differ only in a batch-sized dimension are kept when they are uniform fills (the zeros and
ones that backward rules make). Anything else (different ops, a non-linear size, data-shaped
constants, control-flow sub-graphs) means the function is not batch-generic and every batch
size keeps its own trace. A generalisation is trusted only after a third trace confirms it.
"""
import numpy as np

from .ir import Graph


class Sym:
    """k * B, the batch size times a fixed integer."""
    __slots__ = ("k",)

    def __init__(self, k):
        self.k = k

    def __eq__(self, other):
        return isinstance(other, Sym) and other.k == self.k

    def __hash__(self):
        return hash(("Sym", self.k))

    def __repr__(self):
        return "B" if self.k == 1 else f"{self.k}*B"


class NotGeneric(Exception):
    pass


def _gen_int(a, b, b1, b2):
    if a == b:
        return a
    if b1 and b2 and a % b1 == 0 and b % b2 == 0 and a // b1 == b // b2 and a // b1 > 0:
        return Sym(a // b1)
    raise NotGeneric(f"{a} vs {b}")


def _gen(a, b, b1, b2):
    """Merge two attribute values into one with Sym where they scale with the batch."""
    if isinstance(a, bool) or isinstance(b, bool):
        if a is b:
            return a
        raise NotGeneric("bool")
    if isinstance(a, (int, np.integer)) and isinstance(b, (int, np.integer)):
        return _gen_int(int(a), int(b), b1, b2)
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        return tuple(_gen(x, y, b1, b2) for x, y in zip(a, b))
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [_gen(x, y, b1, b2) for x, y in zip(a, b)]
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        return {k: _gen(a[k], b[k], b1, b2) for k in a}
    if type(a) is type(b) and _plain(a) and a == b:
        return a
    raise NotGeneric(f"attribute {a!r} vs {b!r}")


def _plain(v):
    return v is None or v is Ellipsis or isinstance(v, (float, str, slice)) or hasattr(v, "np") or \
        type(v).__name__ in ("Slot", "Device")


def _subst(v, batch):
    if isinstance(v, Sym):
        return v.k * batch
    if isinstance(v, tuple):
        return tuple(_subst(x, batch) for x in v)
    if isinstance(v, list):
        return [_subst(x, batch) for x in v]
    if isinstance(v, dict):
        return {k: _subst(x, batch) for k, x in v.items()}
    return v


class GenericGraph:
    """A graph with symbolic batch dimensions; `instantiate(B)` gives a concrete Graph."""

    def __init__(self, device):
        self.device = device
        self.placeholders = []   # symbolic shapes, dtypes, names
        self.captures = []       # tensors
        self.constants = []      # (kind, payload, dtype): ("array", arr) or ("fill", (shape, value))
        self.nodes = []          # (op, input refs, attrs, output (shape, dtype)s, site)
        self.outputs = []        # refs
        self.effects = []        # (tensor, ref)

    def __str__(self):
        def spec(shape, dtype):
            return f"{dtype.name}[" + ", ".join(str(d) for d in shape) + "]"
        names = {}
        lines = ["graph(" + ", ".join(f"%{n}: {spec(s, d)}" for s, d, n in self.placeholders) + ") {  # B = batch"]
        for i, (s, d, n) in enumerate(self.placeholders):
            names[("p", i)] = f"%{n}"
        for i, t in enumerate(self.captures):
            names[("w", i)] = f"%w{i}"
            lines.append(f"  %w{i}: {spec(tuple(t.shape), t.dtype)} = capture")
        for i, (kind, payload, dtype) in enumerate(self.constants):
            names[("c", i)] = f"%c{i}"
            body = f"fill({payload[1]:g})" if kind == "fill" else "constant"
            shape = payload[0] if kind == "fill" else tuple(payload.shape)
            lines.append(f"  %c{i}: {spec(shape, dtype)} = {body}")
        for j, (op, refs, attrs, outs, site) in enumerate(self.nodes):
            for k in range(len(outs)):
                names[("n", j, k)] = f"%{j}" + (f".{k}" if len(outs) > 1 else "")
            name = op if isinstance(op, str) else op.name
            args = ", ".join(names[r] for r in refs)
            extra = "".join(f", {k}={v!r}" for k, v in attrs.items())
            outs_text = ", ".join(f"{names[('n', j, k)]}: {spec(s, d)}" for k, (s, d) in enumerate(outs))
            lines.append(f"  {outs_text} = {name}({args}{extra})")
        lines.append("  return " + ", ".join(names[r] for r in self.outputs))
        return "\n".join(lines + ["}"])

    def instantiate(self, batch):
        g = Graph(self.device)
        values = {}
        for i, (shape, dtype, name) in enumerate(self.placeholders):
            values[("p", i)] = g.placeholder(_subst(shape, batch), dtype, name)
        for i, t in enumerate(self.captures):
            values[("w", i)] = g.capture(t)
        for i, (kind, payload, dtype) in enumerate(self.constants):
            if kind == "array":
                arr = payload
            else:
                shape, fill = payload
                arr = self.device.xp.full(_subst(shape, batch), fill, dtype=dtype.np)
            values[("c", i)] = g.constant(arr, dtype)
        for j, (op, refs, attrs, outs, site) in enumerate(self.nodes):
            node = g.add_node(op, [values[r] for r in refs], _subst(attrs, batch),
                              [(_subst(s, batch), d) for s, d in outs], site)
            for k, v in enumerate(node.outputs):
                values[("n", j, k)] = v
        g.outputs = [values[r] for r in self.outputs]
        g.effects = [(t, values[r]) for t, r in self.effects]
        return g


def generalize(g1, b1, g2, b2):
    """A GenericGraph covering both traces, or None when they are not the same up to batch size."""
    try:
        return _generalize(g1, b1, g2, b2)
    except NotGeneric:
        return None


def _generalize(g1, b1, g2, b2):
    if b1 == b2 or len(g1.nodes) != len(g2.nodes) or len(g1.placeholders) != len(g2.placeholders):
        raise NotGeneric("structure")
    out = GenericGraph(g1.device)
    ref1, ref2 = {}, {}
    for i, (p1, p2) in enumerate(zip(g1.placeholders, g2.placeholders)):
        if p1.dtype is not p2.dtype:
            raise NotGeneric("placeholder dtype")
        out.placeholders.append((_gen(p1.shape, p2.shape, b1, b2), p1.dtype, p1.name))
        ref1[p1] = ref2[p2] = ("p", i)
    # captures match by the memory they read (optimizer state is wrapped anew at each trace)
    caps2 = {id(t._data): v for v, t in g2.captures}
    for i, (v1, t) in enumerate(g1.captures):
        v2 = caps2.get(id(t._data))
        if v2 is None:
            raise NotGeneric("captures differ")
        out.captures.append(t)
        ref1[v1] = ref2[v2] = ("w", i)

    def constant_ref(v1, v2):
        a1, a2 = np.asarray(_host(g1.constants[v1])), np.asarray(_host(g2.constants[v2]))
        if v1.dtype is not v2.dtype:
            raise NotGeneric("constant dtype")
        if a1.shape == a2.shape:
            if not np.array_equal(a1, a2, equal_nan=True):
                raise NotGeneric("constant values")
            payload = ("array", g1.constants[v1], v1.dtype)
        else:
            shape = _gen(tuple(a1.shape), tuple(a2.shape), b1, b2)
            if a1.size == 0 or a2.size == 0 or not (np.all(a1 == a1.flat[0]) and np.all(a2 == a1.flat[0])):
                raise NotGeneric("batch-shaped constant that is not a uniform fill")
            payload = ("fill", (shape, a1.flat[0].item()), v1.dtype)
        out.constants.append(payload)
        ref1[v1] = ref2[v2] = ("c", len(out.constants) - 1)

    for j, (n1, n2) in enumerate(zip(g1.nodes, g2.nodes)):
        if n1.op is not n2.op and not (isinstance(n1.op, str) and n1.op == n2.op):
            raise NotGeneric(f"node {j}: {n1.name} vs {n2.name}")
        if len(n1.inputs) != len(n2.inputs) or len(n1.outputs) != len(n2.outputs):
            raise NotGeneric("arity")
        refs = []
        for v1, v2 in zip(n1.inputs, n2.inputs):
            if v1 not in ref1 and v1.kind == "constant" and v2.kind == "constant":
                constant_ref(v1, v2)
            r = ref1.get(v1)
            if r is None or ref2.get(v2) != r:
                raise NotGeneric(f"node {j}: inputs are wired differently")
            refs.append(r)
        attrs = _gen(n1.attrs, n2.attrs, b1, b2)
        outs = [(_gen(o1.shape, o2.shape, b1, b2), o1.dtype) for o1, o2 in zip(n1.outputs, n2.outputs)]
        out.nodes.append((n1.op, refs, attrs, outs, n1.site))
        for k, (o1, o2) in enumerate(zip(n1.outputs, n2.outputs)):
            ref1[o1] = ref2[o2] = ("n", j, k)
    for v1, v2 in zip(g1.outputs, g2.outputs):
        if v1 not in ref1 and v1.kind == "constant":
            constant_ref(v1, v2)
        if ref1.get(v1) is None or ref1.get(v1) != ref2.get(v2):
            raise NotGeneric("outputs")
        out.outputs.append(ref1[v1])
    if len(g1.outputs) != len(g2.outputs) or len(g1.effects) != len(g2.effects):
        raise NotGeneric("outputs/effects")
    for (t1, v1), (t2, v2) in zip(g1.effects, g2.effects):
        if t1._data is not t2._data or ref1.get(v1) != ref2.get(v2):
            raise NotGeneric("effects")
        out.effects.append((t1, ref1[v1]))
    return out


def _host(arr):
    return arr if isinstance(arr, np.ndarray) else arr.get()


def fingerprint(generic):
    """A comparable summary of a GenericGraph's structure and symbolic attributes."""
    return repr([(op if isinstance(op, str) else op.name, refs, attrs, outs)
                 for op, refs, attrs, outs, _ in generic.nodes]) + repr(generic.placeholders) + \
        repr(generic.outputs) + repr([(id(t._data), r) for t, r in generic.effects])
