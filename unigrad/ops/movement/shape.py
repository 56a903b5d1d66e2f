"""reshape, permute, and the composites built on them (view, flatten, squeeze, unsqueeze, transpose)."""
from ...errors import ShapeError
from .. import api as F
from ..dispatch import dispatch
from ..registry import Compiled, OpDef, Sample, register
from ..sampling import randn
from ..spec import Spec, normalize_dim


def _resolve_shape(in_shape, shape):
    shape = tuple(int(s) for s in shape)
    n = 1
    for s in in_shape:
        n *= s
    if shape.count(-1) > 1:
        raise ShapeError(f"op 'reshape': only one dimension can be -1, got {shape}")
    if -1 in shape:
        known = 1
        for s in shape:
            if s != -1:
                known *= s
        if known == 0 or n % known:
            raise ShapeError(f"op 'reshape': cannot reshape {tuple(in_shape)} ({n} elements) into {shape}")
        shape = tuple(n // known if s == -1 else s for s in shape)
    m = 1
    for s in shape:
        m *= s
    if m != n:
        raise ShapeError(f"op 'reshape': cannot reshape {tuple(in_shape)} ({n} elements) into {shape} ({m} elements)")
    return shape


reshape_op = register(OpDef(
    name="reshape", saves_inputs=False, forward=lambda xp, x, shape: x.reshape(shape),
    # an in-place update of the reshaped view is the base's update reshaped back
    compiled=Compiled(view_inverse=lambda base, new, attrs: F.reshape(new, tuple(base.shape))),
    backward=lambda ctx, g: (F.reshape(g, tuple(ctx.inputs[0].shape)),),
    infer=lambda x, shape: Spec(_resolve_shape(x.shape, shape), x.dtype), view=True,
    samples=lambda: [Sample((randn(3, 4),), {"shape": (4, 3)}), Sample((randn(2, 3, 4),), {"shape": (6, 4)}),
                     Sample((randn(4, 3).T,), {"shape": (12,)}), Sample((randn(()),), {"shape": (1, 1)})],
    torch_ref=lambda torch, x, shape: x.reshape(shape), reference=lambda np, x, shape: x.reshape(shape)))


def reshape(input, *shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    shape = _resolve_shape(input._data.shape, shape)
    if shape == input._data.shape:
        return input
    return dispatch(reshape_op, (input,), {"shape": shape})


reshape_op.public = lambda x, shape: reshape(x, shape)
view = reshape


def _permute_infer(x, dims):
    if sorted(d % max(len(x.shape), 1) for d in dims) != list(range(len(x.shape))):
        raise ShapeError(f"op 'permute': dims {tuple(dims)} are not a permutation of {len(x.shape)} dims")
    return Spec(tuple(x.shape[d] for d in dims), x.dtype)


def _inverse(dims):
    inv = [0] * len(dims)
    for i, d in enumerate(dims):
        inv[d] = i
    return tuple(inv)


permute_op = register(OpDef(
    name="permute", saves_inputs=False, forward=lambda xp, x, dims: x.transpose(dims),
    compiled=Compiled(view_inverse=lambda base, new, attrs: F.permute(new, _inverse(attrs["dims"]))),
    backward=lambda ctx, g: (F.permute(g, _inverse(ctx.attrs["dims"])),),
    infer=_permute_infer, view=True,
    samples=lambda: [Sample((randn(2, 3, 4),), {"dims": (2, 0, 1)}), Sample((randn(3, 4),), {"dims": (1, 0)})],
    torch_ref=lambda torch, x, dims: x.permute(*dims), reference=lambda np, x, dims: x.transpose(dims)))


def permute(input, *dims):
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    ndim = input._data.ndim
    dims = tuple(normalize_dim("permute", d, ndim) for d in dims)
    if len(dims) != ndim or sorted(dims) != list(range(ndim)):
        raise ShapeError(f"permute: dims {dims} are not a permutation of the {ndim} dims of shape {tuple(input.shape)}")
    if dims == tuple(range(ndim)):
        return input
    return dispatch(permute_op, (input,), {"dims": dims})


permute_op.public = lambda x, dims: permute(x, dims)


def transpose(input, dim0, dim1):
    ndim = input._data.ndim
    if ndim < 2 and dim0 in (0, -1) and dim1 in (0, -1):
        return input
    dims = list(range(ndim))
    a, b = normalize_dim("transpose", dim0, ndim), normalize_dim("transpose", dim1, ndim)
    dims[a], dims[b] = dims[b], dims[a]
    return permute(input, dims)


def t(input):
    if input._data.ndim > 2:
        raise ShapeError(f"t() expects a tensor with <= 2 dims, got shape {tuple(input.shape)}")
    return transpose(input, 0, 1) if input._data.ndim == 2 else input


def flatten(input, start_dim=0, end_dim=-1):
    shape = tuple(input.shape)
    if not shape:
        return reshape(input, (1,))
    s = normalize_dim("flatten", start_dim, len(shape))
    e = normalize_dim("flatten", end_dim, len(shape))
    n = 1
    for d in shape[s:e + 1]:
        n *= d
    return reshape(input, shape[:s] + (n,) + shape[e + 1:])


def unflatten(input, dim, sizes):
    shape = tuple(input.shape)
    d = normalize_dim("unflatten", dim, len(shape))
    return reshape(input, shape[:d] + tuple(sizes) + shape[d + 1:])


def squeeze(input, dim=None):
    shape = tuple(input.shape)
    if dim is None:
        new = tuple(s for s in shape if s != 1)
    else:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        dims = {normalize_dim("squeeze", d, len(shape)) for d in dims} if shape else set()
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    return reshape(input, new)


def unsqueeze(input, dim):
    shape = tuple(input.shape)
    d = normalize_dim("unsqueeze", dim, len(shape) + 1)
    return reshape(input, shape[:d] + (1,) + shape[d:])


def movedim(input, source, destination):
    ndim = input._data.ndim
    src = normalize_dim("movedim", source, ndim)
    dst = normalize_dim("movedim", destination, ndim)
    order = [d for d in range(ndim) if d != src]
    order.insert(dst, src)
    return permute(input, order)


for _name, _fn, _samples, _ref in (
        ("flatten", flatten, lambda: [Sample((randn(2, 3, 4),), {"start_dim": 1})],
         lambda torch, x, start_dim=0, end_dim=-1: torch.flatten(x, start_dim, end_dim)),
        ("squeeze", squeeze, lambda: [Sample((randn(2, 1, 3, 1),), {}), Sample((randn(2, 1, 3),), {"dim": 1})],
         lambda torch, x, dim=None: x.squeeze() if dim is None else x.squeeze(dim)),
        ("unsqueeze", unsqueeze, lambda: [Sample((randn(2, 3),), {"dim": 1}), Sample((randn(2, 3),), {"dim": -1})],
         lambda torch, x, dim: x.unsqueeze(dim)),
        ("transpose", transpose, lambda: [Sample((randn(2, 3, 4),), {"dim0": 0, "dim1": 2})],
         lambda torch, x, dim0, dim1: x.transpose(dim0, dim1)),
        ("movedim", movedim, lambda: [Sample((randn(2, 3, 4),), {"source": 0, "destination": 2})],
         lambda torch, x, source, destination: torch.movedim(x, source, destination))):
    register(OpDef(name=_name, impl=_fn, samples=_samples, torch_ref=_ref))
