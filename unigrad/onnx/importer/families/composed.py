"""Ops the registry does not have (yet), written over registry ops so an imported graph still
traces and compiles: triangular masks, cumulative sums, top-k, einsum. Where the registry gains
the op (a later breadth issue), the rule uses it instead."""
import numpy as np

from ....ops import api as F
from .common import scalar


def _registry(name):
    return getattr(F, name, None)


def triangle(ctx, x, k, upper):
    """x with the elements below (upper) or above (lower) diagonal k zeroed."""
    found = _registry("triu" if upper else "tril")
    if found is not None:
        return found(x, k)
    rows, cols = x.shape[-2], x.shape[-1]
    keep = np.triu(np.ones((rows, cols), bool), k) if upper else np.tril(np.ones((rows, cols), bool), k)
    return F.where(ctx.const(keep), x, scalar(ctx, 0, x))


def cumsum(ctx, x, axis):
    """Running sums along `axis`: a product with a triangle of ones (one GEMM, exact for ints)."""
    found = _registry("cumsum")
    if found is not None:
        return found(x, axis)
    n = x.shape[axis]
    moved = F.movedim(x, axis, -1) if axis != x.ndim - 1 else x
    ones = ctx.const(np.triu(np.ones((n, n), dtype=x.dtype.np)))
    out = F.matmul(moved, ones)
    return F.movedim(out, -1, axis) if axis != x.ndim - 1 else out


def topk(ctx, x, k, axis, largest):
    """(values, int64 indices) of the k largest (smallest) along axis, sorted, the lower index
    first among equals (ONNX's order): k rounds of arg-max and masking."""
    found = _registry("topk")
    if found is not None:
        return found(x, k, axis, largest, True)
    pick = F.argmax if largest else F.argmin
    if x.dtype.is_floating_point:
        fill = -np.inf if largest else np.inf
    else:
        info = np.iinfo(x.dtype.np)
        fill = info.min if largest else info.max
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    positions = ctx.const(np.arange(x.shape[axis], dtype=np.int64).reshape(shape))
    current, values, indices = x, [], []
    for _ in range(k):
        index = pick(current, axis, True)
        values.append(F.gather(x, axis, index))
        indices.append(index)
        current = F.where(F.eq(positions, index), scalar(ctx, fill, x), current)
    if k == 0:
        empty = list(x.shape)
        empty[axis] = 0
        return ctx.const(np.zeros(empty, x.dtype.np)), ctx.const(np.zeros(empty, np.int64))
    return F.cat(values, axis), F.cat(indices, axis)


def einsum(ctx, equation, operands):
    """numpy's einsum notation (ellipsis, repeated letters for diagonals, implicit output) as
    broadcast products and sums."""
    found = _registry("einsum")
    if found is not None:
        return found(equation, *operands)
    equation = equation.replace(" ", "")
    inputs, arrow, output = equation.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(operands):
        raise ctx.attr_error(f"einsum equation '{equation}' names {len(terms)} operands, the node has {len(operands)}")
    spare = iter(c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in equation)
    ellipsis_rank = max((x.ndim - len(t.replace("...", "")) for t, x in zip(terms, operands) if "..." in t),
                        default=0)
    dots = "".join(next(spare) for _ in range(ellipsis_rank))
    expanded = []
    for term, x in zip(terms, operands):
        if "..." in term:
            own = x.ndim - len(term.replace("...", ""))
            term = term.replace("...", dots[ellipsis_rank - own:])
        expanded.append(term)
    if not arrow:
        counts = {}
        for term in expanded:
            for c in term:
                counts[c] = counts.get(c, 0) + 1
        output = dots + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in dots))
    else:
        output = output.replace("...", dots)
    letters = []
    for term in expanded + [output]:
        for c in term:
            if c not in letters:
                letters.append(c)
    aligned = []
    for term, x in zip(expanded, operands):
        term, x = _diagonals(ctx, term, x)
        order = [term.index(c) for c in letters if c in term]
        x = F.permute(x, dims=tuple(order)) if order != list(range(len(order))) else x
        aligned.append(F.reshape(x, tuple(_aligned_shape(term, x, letters))))
    product = aligned[0]
    for other in aligned[1:]:
        product = F.mul(product, other)
    summed = tuple(i for i, c in enumerate(letters) if c not in output)
    if summed:
        product = F.sum(product, summed)
    rest = [c for c in letters if c in output]
    order = [rest.index(c) for c in output]
    return F.permute(product, dims=tuple(order)) if order != list(range(len(order))) else product


def _aligned_shape(term, x, letters):
    """The shape of x (already permuted to `letters` order) with 1s for the letters it lacks."""
    sizes = iter(x.shape)
    return [next(sizes) if c in term else 1 for c in letters]


def _diagonals(ctx, term, x):
    """A term with a repeated letter ('ii') reduced to its diagonal: mask with the identity and
    sum one of the two axes."""
    while len(set(term)) < len(term):
        c = next(c for c in term if term.count(c) > 1)
        i = term.index(c)
        j = term.index(c, i + 1)
        n = x.shape[i]
        shape = [1] * x.ndim
        shape[i], shape[j] = n, n
        eye = ctx.const(np.eye(n, dtype=x.dtype.np).reshape(shape))
        x = F.sum(F.mul(x, eye), (j,))
        term = term[:j] + term[j + 1:]
    return term, x
