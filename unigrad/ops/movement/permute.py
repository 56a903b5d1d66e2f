"""permute: input's dims in another order, a view of the input."""
from ...errors import InvalidTypeError, ShapeError
from .. import api as F
from ..dispatch import dispatch
from ..registry import Compiled, Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, normalize_dim


def _inverse(dims):
    inv = [0] * len(dims)
    for i, d in enumerate(dims):
        inv[d] = i
    return tuple(inv)


def _forward(xp, x, dims):
    return x.transpose(dims)


def _backward(ctx, g):
    return (F.permute(g, _inverse(ctx.attrs["dims"])),)


def _infer(x, dims):
    if sorted(d % max(len(x.shape), 1) for d in dims) != list(range(len(x.shape))):
        raise ShapeError(f"op 'permute': dims {tuple(dims)} are not a permutation of {len(x.shape)} dims")
    return Spec(tuple(x.shape[d] for d in dims), x.dtype)


def reversed_dims(self):
    """self with all its dims in reverse order (x.T): the transpose of a matrix."""
    return permute(self, tuple(reversed(range(self.ndim))))


permute_op = OpDef(
    name="permute", saves_inputs=False, forward=_forward, backward=_backward, infer=_infer, view=True,
    onnx=Onnx("Transpose", attrs=lambda dims: {"perm": list(dims)}),
    compiled=Compiled(view_inverse=lambda base, new, attrs: F.permute(new, _inverse(attrs["dims"])),
                      identity=lambda node: tuple(node.attrs["dims"]) == tuple(range(len(node.outputs[0].shape)))),
    variants=Variants(methods=("permute",), properties={"T": reversed_dims}),
    samples=lambda: [Sample((randn(2, 3, 4),), {"dims": (2, 0, 1)}), Sample((randn(3, 4),), {"dims": (1, 0)})],
    torch_ref=lambda torch, x, dims: x.permute(*dims), reference=lambda np, x, dims: x.transpose(dims))


def permute(input, *order, dims=None):
    """input with its dims reordered: dim i of the result is dim ``dims[i]`` of input, the order
    given as dims (``permute(x, 2, 0, 1)``), one tuple or ``dims=``. A view sharing input's
    memory; input itself when the order is unchanged.

    Example::

        >>> x = ug.zeros(2, 3, 4)
        >>> ug.permute(x, 2, 0, 1).shape
        unigrad.Size([4, 2, 3])
        >>> ug.arange(6).reshape(2, 3).T
        tensor([[0, 3],
                [1, 4],
                [2, 5]])
    """
    if dims is None:
        dims = order[0] if len(order) == 1 and isinstance(order[0], (tuple, list)) else order
    elif order:
        raise InvalidTypeError("permute: give the order either as dims or as dims=, not both")
    ndim = input._data.ndim
    dims = tuple(normalize_dim("permute", d, ndim) for d in dims)
    if len(dims) != ndim or sorted(dims) != list(range(ndim)):
        raise ShapeError(f"permute: dims {dims} are not a permutation of the {ndim} dims of shape {tuple(input.shape)}")
    if dims == tuple(range(ndim)):
        return input
    return dispatch(permute_op, (input,), {"dims": dims})


register(permute_op, public=permute)
