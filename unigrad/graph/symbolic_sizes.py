"""Symbolic sizes: integer expressions over input dimensions, fitted from several traces.

A Dim is a symbol (an input dimension) or k*E + c, E*F, (E + c) // d over other Dims. A Fitter
turns the sizes one integer takes in each trace into the simplest such expression over the
Dims it has seen, preferring, in order: a size seen before, a multiple, a product, an affine
map of the most recent size, a floor division. A Ratio k/E is a constant that scales with a
size (a mean's 1/N).
"""
import numpy as np

_DIVISORS = (2, 3, 4, 5, 6, 7, 8)


class NotGeneric(Exception):
    pass


class Dim:
    """A symbolic size: a symbol, k*E + c, E*F or (E + c) // d over other Dims."""
    __slots__ = ("kind", "args", "name")

    def __init__(self, kind, args, name=None):
        self.kind, self.args, self.name = kind, args, name

    def __eq__(self, other):
        return isinstance(other, Dim) and other.kind == self.kind and other.args == self.args

    def __hash__(self):
        return hash((self.kind, self.args))

    def value(self, env):
        """env: symbol Dim -> size, also a memo of the Dims evaluated so far."""
        known = env.get(self)
        if known is not None:
            return known
        kind, a = self.kind, self.args
        if kind == "sym":
            raise NotGeneric(f"symbol {self.name} is unbound")
        if kind == "lin":
            v = a[0] * a[1].value(env) + a[2]
        elif kind == "mul":
            v = a[0].value(env) * a[1].value(env)
        else:
            v = (a[0].value(env) + a[1]) // a[2]
        env[self] = v
        return v

    def __repr__(self):
        kind, a = self.kind, self.args
        if kind == "sym":
            return self.name
        if kind == "mul":
            return f"{_operand(a[0])}*{_operand(a[1])}"
        if kind == "lin":
            k, base, c = a
            text = _operand(base) if k == 1 else f"{k}*{_operand(base)}"
            return text if c == 0 else f"{text} {'+' if c > 0 else '-'} {abs(c)}"
        base, c, d = a
        if c == 0:
            return f"{_operand(base)} // {d}"
        return f"({base!r} {'+' if c > 0 else '-'} {abs(c)}) // {d}"


def _operand(dim):
    return repr(dim) if dim.kind == "sym" else f"({dim!r})"


class Fitter:
    """Fits tuples of integers (one per trace) with expressions over the Dims known so far."""

    def __init__(self):
        self.known = []     # (Dim, sizes per trace), in order of discovery
        self.by_sizes = {}
        self.symbols = []   # (Dim, placeholder index, axis)

    def symbol(self, sizes, source):
        dim = self.by_sizes.get(sizes)
        if dim is None or dim.kind != "sym":
            name = "B" if source[1] == 0 and not any(s.name == "B" for s, _, _ in self.symbols) \
                else f"d{len(self.symbols)}"
            dim = Dim("sym", (len(self.symbols),), name)
            self.symbols.append((dim, *source))
            self._learn(dim, sizes)
        return dim

    def _learn(self, dim, sizes):
        self.known.append((dim, sizes))
        self.by_sizes.setdefault(sizes, dim)
        return dim

    def fit(self, sizes):
        if all(v == sizes[0] for v in sizes):
            return sizes[0]
        dim = self.by_sizes.get(sizes)
        if dim is not None:
            return dim
        for make in (self._scaled, self._product, self._affine, self._floor_div):
            dim = make(sizes)
            if dim is not None:
                return self._learn(dim, sizes)
        raise NotGeneric(f"no expression gives the sizes {sizes} of the traces")

    def _scaled(self, sizes):
        for dim, base in self.known:
            if all(b and a % b == 0 for a, b in zip(sizes, base)):
                ks = {a // b for a, b in zip(sizes, base)}
                if len(ks) == 1:
                    return Dim("lin", (ks.pop(), dim, 0))
        return None

    def _product(self, sizes):
        head = self.known[:8]
        for i, (e, x) in enumerate(head):
            for f, y in head[i:]:
                if all(p * q == a for p, q, a in zip(x, y, sizes)):
                    return Dim("mul", (e, f))
        return None

    def _affine(self, sizes):
        for dim, base in reversed(self.known):  # the most recent size is the likeliest base
            i = next((i for i in range(1, len(base)) if base[i] != base[0]), None)
            if i is None or (sizes[i] - sizes[0]) % (base[i] - base[0]):
                continue
            k = (sizes[i] - sizes[0]) // (base[i] - base[0])
            c = sizes[0] - k * base[0]
            if k and all(k * b + c == a for a, b in zip(sizes, base)):
                return Dim("lin", (k, dim, c))
        return None

    def _floor_div(self, sizes):
        for dim, base in reversed(self.known):
            for d in _DIVISORS:
                lo = max(d * a - b for a, b in zip(sizes, base))
                hi = min(d * a - b for a, b in zip(sizes, base)) + d - 1
                if lo <= hi:
                    c = 0 if lo <= 0 <= hi else (lo if lo > 0 else hi)
                    return Dim("div", (dim, c, d))
        return None


class Ratio:
    """k / E: a constant that scales with a size (a mean's 1/N, folded into a fill)."""
    __slots__ = ("k", "dim")

    def __init__(self, k, dim):
        self.k, self.dim = k, dim

    def __eq__(self, other):
        return isinstance(other, Ratio) and other.k == self.k and other.dim == self.dim

    def __hash__(self):
        return hash(("Ratio", self.k, self.dim))

    def value(self, env):
        return self.k / self.dim.value(env)

    def __repr__(self):
        return f"{self.k:g}/{_operand(self.dim)}"


def fit_ratio(values, candidates):
    """A Ratio k/E whose value in each trace is `values`, E taken from candidates (Dim, sizes)."""
    for dim, sizes in candidates:
        if not isinstance(dim, Dim) or any(n == 0 for n in sizes):
            continue
        ks = [v * n for v, n in zip(values, sizes)]
        if all(abs(k - ks[0]) <= 1e-5 * max(abs(ks[0]), 1e-30) for k in ks):
            k = round(ks[0])
            return Ratio(k if abs(ks[0] - k) <= 1e-5 * max(abs(ks[0]), 1) else ks[0], dim)
    raise NotGeneric(f"a constant takes the values {list(values)} in the traces, not k/size for any size")


def numel_dim(shape):
    """The element count of a symbolic shape as a Dim (None when no dimension is symbolic)."""
    count, dims = 1, []
    for d in shape:
        if isinstance(d, Dim):
            dims.append(d)
        else:
            count *= d
    if not dims:
        return None
    total = dims[0]
    for d in dims[1:]:
        total = Dim("mul", (total, d))
    return total if count == 1 else Dim("lin", (count, total, 0))


def merge(values, fitter):
    """Merge one attribute's values (one per trace) into one with Dims where they differ."""
    a = values[0]
    if any(isinstance(v, bool) for v in values):
        if all(v is a for v in values):
            return a
        raise NotGeneric("bool")
    if all(isinstance(v, (int, np.integer)) for v in values):
        return fitter.fit(tuple(int(v) for v in values))
    if isinstance(a, (tuple, list)) and all(type(v) is type(a) and len(v) == len(a) for v in values):
        return type(a)(merge([v[i] for v in values], fitter) for i in range(len(a)))
    if isinstance(a, dict) and all(isinstance(v, dict) and v.keys() == a.keys() for v in values):
        return {k: merge([v[k] for v in values], fitter) for k in a}
    if all(isinstance(v, slice) for v in values):
        return slice(*merge([(v.start, v.stop, v.step) for v in values], fitter))
    if all(v is None for v in values):
        return None
    if all(type(v) is type(a) for v in values) and _plain(a) and all(v == a for v in values):
        return a
    raise NotGeneric(f"attribute {a!r} vs {values[1:]!r}")


def _plain(v):
    return v is Ellipsis or isinstance(v, (float, str)) or hasattr(v, "np") or \
        type(v).__name__ in ("Slot", "Device")


def substitute(v, env):
    if isinstance(v, (Dim, Ratio)):
        return v.value(env)
    if isinstance(v, tuple):
        return tuple(substitute(x, env) for x in v)
    if isinstance(v, list):
        return [substitute(x, env) for x in v]
    if isinstance(v, dict):
        return {k: substitute(x, env) for k, x in v.items()}
    if isinstance(v, slice):
        return slice(*substitute((v.start, v.stop, v.step), env))
    return v
