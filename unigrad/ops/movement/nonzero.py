"""nonzero: the indices of the nonzero elements, one row per element (argwhere's layout), or one
index tensor per dim with as_tuple. Its size depends on the values: no shape rule."""
from .. import api as F
from ..dispatch import dispatch
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..elementwise.binary import NO_ATTRS


def _forward(xp, x):
    if x.ndim == 0:
        return xp.zeros((1 if x.item() else 0, 0), dtype=xp.int64)
    return xp.argwhere(x).astype(xp.int64)


nonzero_op = OpDef(
    name="nonzero", forward=_forward, diff_outputs=(),
    variants=Variants(methods=("nonzero",), aliases=("argwhere",)),
    samples=lambda: [Sample((randn(3, 4) > 0,), grad=False), Sample((randn(2, 3, 2).round(),), grad=False),
                     Sample((randn(0, 3),), grad=False), Sample((randn(5) * 0,), grad=False)],
    torch_ref=lambda torch, x: torch.nonzero(x), reference=_forward)


def nonzero(input, as_tuple=False):
    """The indices of input's nonzero (true) elements in row-major order: an (n, ndim) int64
    tensor, or with as_tuple a tuple of ndim 1-D tensors (what ``x[x != 0]`` indexes with), as
    torch.nonzero; ``ug.argwhere`` is the first form.

    Example::

        >>> x = ug.tensor([[0, 2], [3, 0]])
        >>> ug.nonzero(x)
        tensor([[0, 1],
                [1, 0]])
        >>> x.nonzero(as_tuple=True)
        (tensor([0, 1]), tensor([1, 0]))
    """
    out = dispatch(nonzero_op, (input,), NO_ATTRS)
    if as_tuple:
        return tuple(F.unbind(out, 1)) if input.ndim else (F.reshape(out, (-1,)),)
    return out


register(nonzero_op, public=nonzero)
