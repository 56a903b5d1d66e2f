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
    narrow = [x.dtype for x in operands if x.dtype.is_floating_point and x.dtype.itemsize < 4]
    if narrow:  # (16-bit floats: products and sums in float32, one rounding at the end, as a GEMM does)
        wide = [F.to_dtype(x, "float32") if x.dtype.itemsize < 4 else x for x in operands]
        return F.to_dtype(einsum(ctx, equation, wide), narrow[0])
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


def depth_windows(ctx, x, k, stride, dilation, pair, fill):
    """(N, C, OD, k, H, W): the k depth slices of each output depth's window, the depth padded
    with `fill` by pair = (begin, end). A 3-D window problem is then 2-D problems per slice."""
    n, c, depth = x.shape[0], x.shape[1], x.shape[2]
    begin, end = pair
    if begin or end:
        shape = list(x.shape)
        pads = []
        for size in (begin, end):
            shape[2] = size
            pads.append(ctx.const(np.full(shape, fill, dtype=x.dtype.np)) if size else None)
        x = F.cat([p for p in (pads[0], x, pads[1]) if p is not None], 2)
        depth += begin + end
    out = (depth - dilation * (k - 1) - 1) // stride + 1
    index = (np.arange(out)[:, None] * stride + np.arange(k)[None, :] * dilation).reshape(-1)
    picked = F.index_select(x, 2, ctx.const(index.astype(np.int64)))
    return F.reshape(picked, (n, c, out, k) + tuple(x.shape[3:]))


def conv3d(ctx, x, w, b, strides, padding, dilations, groups):
    """A 3-D convolution as one 2-D convolution per kernel depth over all output depths at once."""
    found = _registry("conv3d")
    if found is not None:
        return found(x, w, b, strides, padding, dilations, groups)
    n = x.shape[0]
    windows = depth_windows(ctx, x, w.shape[2], strides[0], dilations[0], (padding[0], padding[0]), 0)
    od = windows.shape[2]
    total = None
    for kd in range(w.shape[2]):
        slab = F.permute(windows[:, :, :, kd], dims=(0, 2, 1, 3, 4))
        slab = F.reshape(slab, (n * od,) + tuple(slab.shape[2:]))
        part = F.conv2d(slab, w[:, :, kd], None, tuple(strides[1:]), tuple(padding[1:]), tuple(dilations[1:]), groups)
        total = part if total is None else F.add(total, part)
    out = F.permute(F.reshape(total, (n, od) + tuple(total.shape[1:])), dims=(0, 2, 1, 3, 4))
    return F.add(out, F.reshape(b, (1, -1, 1, 1, 1))) if b is not None else out


def conv_transpose3d_full(ctx, x, w, strides, dilations, groups):
    """A 3-D transposed convolution without padding: for each kernel depth, one 2-D transposed
    convolution over every input depth's plane, added at depths d*stride + k*dilation."""
    n, depth = x.shape[0], x.shape[2]
    planes = F.reshape(F.permute(x, dims=(0, 2, 1, 3, 4)), (n * depth,) + tuple(x.shape[1:2]) + tuple(x.shape[3:]))
    full_depth = (depth - 1) * strides[0] + dilations[0] * (w.shape[2] - 1) + 1
    out = None
    for kd in range(w.shape[2]):
        part = F.conv_transpose2d(planes, w[:, :, kd], None, tuple(strides[1:]), 0, 0, groups, tuple(dilations[1:]))
        part = F.permute(F.reshape(part, (n, depth) + tuple(part.shape[1:])), dims=(1, 0, 2, 3, 4))
        if out is None:
            out = ctx.const(np.zeros((full_depth,) + tuple(part.shape[1:]), dtype=x.dtype.np))
        index = ctx.const(np.arange(depth, dtype=np.int64) * strides[0] + kd * dilations[0])
        out = F.index_put(out, (index,), part, accumulate=True)
    return F.permute(out, dims=(1, 2, 0, 3, 4))
