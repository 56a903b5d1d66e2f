"""reshape (also view): the same elements in another shape, a view of the input."""
from ...errors import InvalidTypeError, ShapeError
from .. import api as F
from ..dispatch import dispatch
from ..registry import Compiled, Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, same_shape


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


def _forward(xp, x, shape):
    return x.reshape(shape)


def _backward(ctx, g):
    return (F.reshape(g, tuple(ctx.inputs[0].shape)),)


def _infer(x, shape):
    return Spec(_resolve_shape(x.shape, shape), x.dtype)


def view_as(self, other):
    """self reshaped to other's shape."""
    return reshape(self, tuple(other.shape))


def reshape_as(self, other):
    """self reshaped to other's shape."""
    return reshape(self, tuple(other.shape))


reshape_op = OpDef(
    name="reshape", saves_inputs=False, forward=_forward, backward=_backward, infer=_infer, view=True,
    onnx=Onnx(emit=lambda e, x, shape: e.reshape(x, shape)),
    # an in-place update of the reshaped view is the base's update reshaped back
    compiled=Compiled(view_inverse=lambda base, new, attrs: F.reshape(new, tuple(base.shape)), identity=same_shape),
    variants=Variants(aliases=("view",), methods={"reshape": None, "view": None, "view_as": view_as,
                                                  "reshape_as": reshape_as}),
    samples=lambda: [Sample((randn(3, 4),), {"shape": (4, 3)}), Sample((randn(2, 3, 4),), {"shape": (6, 4)}),
                     Sample((randn(4, 3).T,), {"shape": (12,)}), Sample((randn(()),), {"shape": (1, 1)})],
    torch_ref=lambda torch, x, shape: x.reshape(shape), reference=lambda np, x, shape: x.reshape(shape))


def reshape(input, *sizes, shape=None):
    """input's elements, in order, in the shape given as sizes (``reshape(x, 2, 3)``), one tuple
    (``reshape(x, (2, 3))``) or ``shape=``; one size may be -1, inferred from the others. A view
    sharing input's memory (also ``ug.view``, ``x.view``); input itself when the shape is its own.

    Example::

        >>> x = ug.arange(6)
        >>> ug.reshape(x, 2, 3)
        tensor([[0, 1, 2],
                [3, 4, 5]])
        >>> x.view(-1, 2).shape
        unigrad.Size([3, 2])
    """
    if shape is None:
        shape = sizes[0] if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else sizes
    elif sizes:
        raise InvalidTypeError("reshape: give the shape either as sizes or as shape=, not both")
    shape = _resolve_shape(input._data.shape, shape)
    if shape == input._data.shape:
        return input
    return dispatch(reshape_op, (input,), {"shape": shape})


register(reshape_op, public=reshape)
