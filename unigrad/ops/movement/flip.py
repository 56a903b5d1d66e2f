"""flip: the order of entries reversed along some dims, a view of the input."""
from .. import api as F
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, normalize_dim


def _forward(xp, x, dims):
    return xp.flip(x, axis=dims)


def _backward(ctx, g):
    return (F.flip(g, ctx.attrs["dims"]),)


flip_op = OpDef(
    name="flip", saves_inputs=False, forward=_forward, view=True,
    onnx=Onnx(emit=lambda e, x, dims: e.flip(x, dims)),
    backward=_backward, infer=lambda x, dims: Spec(x.shape, x.dtype),
    variants=Variants(methods=("flip",)),
    samples=lambda: [Sample((randn(3, 4),), {"dims": (1,)}), Sample((randn(2, 3, 4),), {"dims": (0, 2)})],
    torch_ref=lambda torch, x, dims: torch.flip(x, dims), reference=lambda np, x, dims: np.flip(x, dims))


def flip(input, dims):
    """input with the order of its entries reversed along `dims` (an int or a tuple): a view
    sharing input's memory.

    Example::

        >>> ug.flip(ug.arange(6).reshape(2, 3), 1)
        tensor([[2, 1, 0],
                [5, 4, 3]])
    """
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    return dispatch(flip_op, (input,), {"dims": tuple(normalize_dim("flip", d, input._data.ndim) for d in dims)})


register(flip_op, public=flip)
