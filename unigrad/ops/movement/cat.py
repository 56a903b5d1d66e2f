"""cat (also concat, concatenate): tensors joined along an existing dim."""
from ...core.tensor import Tensor
from ...errors import InvalidTypeError, ShapeError
from .. import api as F
from ..dispatch import dispatch
from ..operands import tensor_operands
from ..registry import Compiled, Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, normalize_dim


def _forward(xp, *xs, dim):
    return xp.concatenate(xs, axis=dim)


def _backward(ctx, g):
    dim = ctx.attrs["dim"]
    grads, start = [], 0
    for x in ctx.inputs:
        size = x.shape[dim]
        grads.append(F.getitem(g, (slice(None),) * dim + (slice(start, start + size),)))
        start += size
    return tuple(grads)


def _infer(*xs, dim):
    first = xs[0].shape
    d = normalize_dim("cat", dim, len(first))
    for i, x in enumerate(xs):
        if len(x.shape) != len(first) or any(a != b for j, (a, b) in enumerate(zip(x.shape, first)) if j != d):
            raise ShapeError(f"op 'cat': tensor {i} has shape {x.shape}, which does not match {first} "
                             f"outside dim {dim}")
    return Spec(first[:d] + (sum(x.shape[d] for x in xs),) + first[d + 1:], xs[0].dtype)


cat_op = OpDef(
    name="cat", saves_inputs=False, forward=_forward, backward=_backward,
    onnx=Onnx("Concat", attrs=lambda dim: {"axis": dim}),
    infer=_infer, compiled=Compiled(fresh=True),
    variants=Variants(aliases=("concat", "concatenate")),
    samples=lambda: [Sample((randn(2, 3), randn(4, 3, seed=1)), {"dim": 0}),
                     Sample((randn(2, 3), randn(2, 1, seed=1), randn(2, 2, seed=2)), {"dim": 1})],
    torch_ref=lambda torch, *xs, dim: torch.cat(xs, dim), reference=lambda np, *xs, dim: np.concatenate(xs, dim))


def cat(tensors, dim=0):
    """The tensors (a sequence) joined along dim `dim` (also ``ug.concat``, ``ug.concatenate``):
    they need one number of dims and equal sizes outside `dim`, and are promoted to one dtype.
    One tensor comes back as it is.

    Example::

        >>> a, b = ug.zeros(2, 3), ug.ones(2, 1)
        >>> ug.cat([a, b], dim=1)
        tensor([[0., 0., 0., 1.],
                [0., 0., 0., 1.]])
    """
    if isinstance(tensors, Tensor):
        raise InvalidTypeError("cat: expected a sequence of tensors (cat([a, b], dim)), got one Tensor")
    tensors = tuple(tensors)
    if not tensors:
        raise ShapeError("cat: expected a non-empty sequence of tensors")
    tensors = tensor_operands(*tensors)
    dim = normalize_dim("cat", dim, tensors[0]._data.ndim)
    if len(tensors) == 1:
        return tensors[0]
    for i, t in enumerate(tensors):
        if t._data.ndim != tensors[0]._data.ndim:
            raise ShapeError(f"cat: tensor {i} has {t._data.ndim} dims but tensor 0 has {tensors[0]._data.ndim}")
    return dispatch(cat_op, tuple(tensors), {"dim": dim})


register(cat_op, public=cat)
