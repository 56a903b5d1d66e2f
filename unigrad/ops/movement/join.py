"""cat, stack, split, chunk, pad (constant), flip."""
from ...errors import ShapeError, UnigradError
from .. import api as F
from ..dispatch import dispatch
from ..operands import tensor_operands
from ..registry import Compiled, OpDef, Sample, register
from ..sampling import randn
from ..spec import Spec, normalize_dim


def _cat_infer(*xs, dim):
    first = xs[0].shape
    d = normalize_dim("cat", dim, len(first))
    for i, x in enumerate(xs):
        if len(x.shape) != len(first) or any(a != b for j, (a, b) in enumerate(zip(x.shape, first)) if j != d):
            raise ShapeError(f"op 'cat': tensor {i} has shape {x.shape}, which does not match {first} "
                             f"outside dim {dim}")
    return Spec(first[:d] + (sum(x.shape[d] for x in xs),) + first[d + 1:], xs[0].dtype)


def _cat_backward(ctx, g):
    dim = ctx.attrs["dim"]
    grads, start = [], 0
    for x in ctx.inputs:
        size = x.shape[dim]
        grads.append(F.getitem(g, (slice(None),) * dim + (slice(start, start + size),)))
        start += size
    return tuple(grads)


cat_op = register(OpDef(
    name="cat", saves_inputs=False, forward=lambda xp, *xs, dim: xp.concatenate(xs, axis=dim), backward=_cat_backward,
    infer=_cat_infer, compiled=Compiled(fresh=True),
    samples=lambda: [Sample((randn(2, 3), randn(4, 3, seed=1)), {"dim": 0}),
                     Sample((randn(2, 3), randn(2, 1, seed=1), randn(2, 2, seed=2)), {"dim": 1})],
    torch_ref=lambda torch, *xs, dim: torch.cat(xs, dim), reference=lambda np, *xs, dim: np.concatenate(xs, dim)))


def cat(tensors, dim=0):
    tensors = tensor_operands(*tensors)
    if not tensors:
        raise ShapeError("cat: expected a non-empty sequence of tensors")
    dim = normalize_dim("cat", dim, tensors[0]._data.ndim)
    if len(tensors) == 1:
        return tensors[0]
    for i, t in enumerate(tensors):
        if t._data.ndim != tensors[0]._data.ndim:
            raise ShapeError(f"cat: tensor {i} has {t._data.ndim} dims but tensor 0 has {tensors[0]._data.ndim}")
    return dispatch(cat_op, tuple(tensors), {"dim": dim})


cat_op.public = lambda *xs, dim: cat(xs, dim)
concat = concatenate = cat


def stack(tensors, dim=0):
    tensors = list(tensors)
    if not tensors:
        raise ShapeError("stack: expected a non-empty sequence of tensors")
    shape = tuple(tensors[0].shape)
    for i, t in enumerate(tensors):
        if tuple(t.shape) != shape:
            raise ShapeError(f"stack: tensor {i} has shape {tuple(t.shape)} but tensor 0 has {shape}")
    d = normalize_dim("stack", dim, len(shape) + 1)
    return cat([F.unsqueeze(t, d) for t in tensors], d)


def split(tensor, split_size_or_sections, dim=0):
    d = normalize_dim("split", dim, tensor._data.ndim)
    size = tensor.shape[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0:
            raise ShapeError(f"split: split size must be positive, got {step}")
        sizes = [min(step, size - s) for s in range(0, size, step)] or [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != size:
            raise ShapeError(f"split: sections {sizes} do not sum to dim {dim} of size {size}")
    out, start = [], 0
    for s in sizes:
        out.append(F.getitem(tensor, (slice(None),) * d + (slice(start, start + s),)))
        start += s
    return tuple(out)


def chunk(input, chunks, dim=0):
    size = input.shape[normalize_dim("chunk", dim, input._data.ndim)]
    step = -(-size // chunks)
    return split(input, step, dim)


def unbind(input, dim=0):
    d = normalize_dim("unbind", dim, input._data.ndim)
    return tuple(F.getitem(input, (slice(None),) * d + (i,)) for i in range(input.shape[d]))


def _pad_widths(ndim, pad):
    if len(pad) % 2 or len(pad) // 2 > ndim:
        raise ShapeError(f"op 'pad': pad {tuple(pad)} must have an even length of at most 2*{ndim}")
    widths = [(0, 0)] * ndim
    for i in range(len(pad) // 2):
        widths[ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return widths


def _pad_forward(xp, x, pad, value=0.0):
    widths = _pad_widths(x.ndim, pad)
    if any(a < 0 or b < 0 for a, b in widths):
        crop = tuple(slice(max(-a, 0), s - max(-b, 0)) for (a, b), s in zip(widths, x.shape))
        x = x[crop]
        widths = [(max(a, 0), max(b, 0)) for a, b in widths]
    return xp.pad(x, widths, mode="constant", constant_values=value)


def _pad_infer(x, pad, value=0.0):
    widths = _pad_widths(len(x.shape), pad)
    return Spec(tuple(s + a + b for s, (a, b) in zip(x.shape, widths)), x.dtype)


pad_op = register(OpDef(
    name="pad", saves_inputs=False, forward=_pad_forward, infer=_pad_infer, compiled=Compiled(fresh=True),
    backward=lambda ctx, g: (F.pad(g, [-p for p in ctx.attrs["pad"]]),),
    samples=lambda: [Sample((randn(2, 3),), {"pad": (1, 2)}), Sample((randn(2, 3, 4),), {"pad": (1, 0, 2, 1), "value": 1.5}),
                     Sample((randn(3, 5),), {"pad": (-1, 1)})],
    torch_ref=lambda torch, x, pad, value=0.0: torch.nn.functional.pad(x, pad, value=value),
    reference=_pad_forward))


def pad(input, pad, mode="constant", value=None):
    if mode != "constant":
        raise UnigradError(f"pad: mode {mode!r} is not supported (only 'constant'); pad with F.cat of flipped "
                           "slices for 'reflect'")
    attrs = {"pad": tuple(int(p) for p in pad)}
    if value:
        attrs["value"] = float(value)
    return dispatch(pad_op, (input,), attrs)


pad_op.public = lambda x, pad, value=0.0: F.pad(x, pad, value=value)

flip_op = register(OpDef(
    name="flip", saves_inputs=False, forward=lambda xp, x, dims: xp.flip(x, axis=dims), view=True,
    backward=lambda ctx, g: (F.flip(g, ctx.attrs["dims"]),), infer=lambda x, dims: Spec(x.shape, x.dtype),
    samples=lambda: [Sample((randn(3, 4),), {"dims": (1,)}), Sample((randn(2, 3, 4),), {"dims": (0, 2)})],
    torch_ref=lambda torch, x, dims: torch.flip(x, dims), reference=lambda np, x, dims: np.flip(x, dims)))


def flip(input, dims):
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    return dispatch(flip_op, (input,), {"dims": tuple(normalize_dim("flip", d, input._data.ndim) for d in dims)})


flip_op.public = flip

for _name, _fn, _samples, _ref in (
        ("split", split, lambda: [Sample((randn(5, 3), 2), {"dim": 0}), Sample((randn(2, 6), [1, 2, 3]), {"dim": 1})],
         lambda torch, x, s, dim=0: torch.split(x, s, dim)),
        ("chunk", chunk, lambda: [Sample((randn(5, 3), 3), {"dim": 0})],
         lambda torch, x, chunks, dim=0: torch.chunk(x, chunks, dim))):
    register(OpDef(name=_name, impl=_fn, samples=_samples, torch_ref=_ref))
register(OpDef(name="stack", impl=lambda *xs, dim=0: stack(xs, dim),
               samples=lambda: [Sample((randn(2, 3), randn(2, 3, seed=1)), {"dim": 1})],
               torch_ref=lambda torch, *xs, dim=0: torch.stack(xs, dim)), public=stack)
