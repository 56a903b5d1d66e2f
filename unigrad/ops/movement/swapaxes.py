"""swapaxes/swapdims, moveaxis, atleast_1d/2d/3d, column_stack, tensor_split and hsplit/vsplit/
dsplit: NumPy-style rearrangements under torch's names, composites of transpose, movedim,
reshape, cat and slicing."""
import numpy as np

from ...core.tensor import Tensor
from ...errors import InvalidArgumentError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim


def swapaxes(input, axis0, axis1):
    """input with dims axis0 and axis1 exchanged: transpose (torch.swapaxes, also swapdims).

    Example::

        >>> ug.swapaxes(ug.zeros(2, 3, 4), 0, 2).shape
        unigrad.Size([4, 3, 2])
    """
    return F.transpose(input, axis0, axis1)


def moveaxis(input, source, destination):
    """input with dims moved from source to destination (ints or sequences of ints), the others
    keeping their order (torch.moveaxis / movedim with sequences).

    Example::

        >>> ug.moveaxis(ug.zeros(2, 3, 4), (0, 1), (2, 0)).shape
        unigrad.Size([3, 4, 2])
    """
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise InvalidArgumentError(f"moveaxis: source {src} and destination {dst} must have the same length")
    src = [normalize_dim("moveaxis", d, input.ndim) for d in src]
    dst = [normalize_dim("moveaxis", d, input.ndim) for d in dst]
    rest = [d for d in range(input.ndim) if d not in src]
    order = [None] * input.ndim
    for s, d in zip(src, dst):
        order[d] = s
    it = iter(rest)
    order = [next(it) if o is None else o for o in order]
    return F.permute(input, tuple(order))


def _atleast(n):
    def fn(*tensors):
        single = len(tensors) == 1 and isinstance(tensors[0], Tensor)
        tensors = tuple(tensors[0]) if len(tensors) == 1 and not single else tensors
        out = []
        for t in tensors:
            if t.ndim < n:
                if t.ndim == 0:
                    shape = (1,) * n
                elif t.ndim == 1:  # a vector is a row; in 3-D torch puts it in the middle
                    shape = (1, t.shape[0]) if n == 2 else (1, t.shape[0], 1)
                else:
                    shape = tuple(t.shape) + (1,)
                t = F.reshape(t, shape)
            out.append(t)
        return out[0] if single else tuple(out)
    fn.__name__ = fn.__qualname__ = f"atleast_{n}d"
    fn.__doc__ = (f"Each tensor with at least {n} dims (size-1 dims added as torch.atleast_{n}d does); one "
                  f"tensor in, one out.\n\n    Example::\n\n        >>> ug.atleast_{n}d(ug.tensor(1.0)).shape\n"
                  f"        unigrad.Size([{', '.join(['1'] * n)}])\n    ")
    return fn


atleast_1d, atleast_2d, atleast_3d = _atleast(1), _atleast(2), _atleast(3)


def column_stack(tensors):
    """The tensors as columns (1-D ones become (n, 1)) joined along dim 1 (torch.column_stack).

    Example::

        >>> ug.column_stack([ug.tensor([1, 2]), ug.tensor([3, 4])])
        tensor([[1, 3],
                [2, 4]])
    """
    return F.cat([F.reshape(t, (-1, 1)) if t.ndim <= 1 else t for t in tensors], 1)


def tensor_split(input, indices_or_sections, dim=0):
    """input split along dim into n nearly equal parts (the first ``size % n`` one longer) for an
    int, or at the given indices for a sequence, as torch.tensor_split (views).

    Example::

        >>> [t.tolist() for t in ug.tensor_split(ug.arange(7), 3)]
        [[0, 1, 2], [3, 4], [5, 6]]
        >>> [t.tolist() for t in ug.arange(6).tensor_split([1, 4])]
        [[0], [1, 2, 3], [4, 5]]
    """
    d = normalize_dim("tensor_split", dim, input.ndim)
    size = input.shape[d]
    if isinstance(indices_or_sections, Tensor):
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, (int, np.integer)):
        n = int(indices_or_sections)
        if n <= 0:
            raise InvalidArgumentError(f"tensor_split: sections must be positive, got {n}")
        lengths = [size // n + (1 if i < size % n else 0) for i in range(n)]
        bounds = np.concatenate([[0], np.cumsum(lengths)]).tolist()
    else:
        bounds = [0] + [min(max(int(i), 0), size) for i in indices_or_sections] + [size]
    lead = (slice(None),) * d
    return tuple(input[lead + (slice(a, max(a, b)),)] for a, b in zip(bounds[:-1], bounds[1:]))


def _split_along(name, dim_of):
    def fn(input, indices_or_sections):
        if isinstance(indices_or_sections, int) and input.shape[dim_of(input)] % indices_or_sections:
            raise InvalidArgumentError(f"{name}: dim {dim_of(input)} of size {input.shape[dim_of(input)]} does not "
                                       f"split into {indices_or_sections} equal parts")
        return tensor_split(input, indices_or_sections, dim_of(input))
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"tensor_split along dim {'1 (0 for 1-D input)' if name == 'hsplit' else 0 if name == 'vsplit' else 2},"
                  f" equal parts for an int, as torch.{name}.\n\n    Example::\n\n        >>> len(ug.{name}("
                  f"ug.zeros(4, 4, 4), 2))\n        2\n    ")
    return fn


hsplit = _split_along("hsplit", lambda x: 1 if x.ndim > 1 else 0)
vsplit = _split_along("vsplit", lambda x: 0)
dsplit = _split_along("dsplit", lambda x: 2)


register(OpDef(name="swapaxes", impl=swapaxes, variants=Variants(aliases=("swapdims",), methods=("swapaxes", "swapdims")),
               samples=lambda: [Sample((randn(2, 3, 4), 0, 2))], torch_ref=lambda torch, x, a, b: torch.swapaxes(x, a, b)))
register(OpDef(name="moveaxis", impl=moveaxis, variants=Variants(methods=("moveaxis",)),
               samples=lambda: [Sample((randn(2, 3, 4), (0, 1), (2, 0))), Sample((randn(2, 3, 4), -1, 0))],
               torch_ref=lambda torch, x, s, d: torch.moveaxis(x, s, d)))
for _fn in (atleast_1d, atleast_2d, atleast_3d):
    register(OpDef(name=_fn.__name__, impl=_fn,
                   samples=lambda: [Sample((np.asarray(randn(())),)), Sample((randn(3),)), Sample((randn(2, 3),))],
                   torch_ref=lambda torch, x, _n=_fn.__name__: getattr(torch, _n)(x)))
register(OpDef(name="column_stack", impl=lambda *xs: column_stack(xs),
               samples=lambda: [Sample((randn(3), randn(3, 2, seed=1)))],
               torch_ref=lambda torch, *xs: torch.column_stack(xs)), public=column_stack)
register(OpDef(name="tensor_split", impl=tensor_split, variants=Variants(methods=("tensor_split",)),
               samples=lambda: [Sample((randn(7, 2), 3)), Sample((randn(2, 6), [1, 4, 9], 1))],
               torch_ref=lambda torch, x, s, dim=0: torch.tensor_split(x, s, dim)))
for _fn in (hsplit, vsplit, dsplit):
    register(OpDef(name=_fn.__name__, impl=_fn, variants=Variants(methods=(_fn.__name__,)),
                   samples=lambda: [Sample((randn(4, 4, 4), 2)), Sample((randn(4, 4, 4), [1, 3]))],
                   torch_ref=lambda torch, x, s, _n=_fn.__name__: getattr(torch, _n)(x, s)))
