"""amax and amin: the largest (smallest) element over any set of dims; ties share the gradient.

Two ops that differ only in the extreme they take, so they are made by one maker."""
from ...errors import ShapeError
from .. import api as F
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from .common import axes_of, expand_back, reduce_attrs, reduce_infer


def _backward(ctx, g):
    x = ctx.inputs[0]
    dim, keepdim = ctx.attrs.get("dim"), ctx.attrs.get("keepdim", False)
    out = expand_back(F, ctx.output(), x, dim, keepdim)
    mask = F.to_dtype(F.eq(x, out), g.dtype)
    n = expand_back(F, F.sum(mask, dim=dim, keepdim=keepdim), x, dim, keepdim)
    return (F.div(F.mul(expand_back(F, g, x, dim, keepdim), mask), n),)


def _samples():
    a = randn(3, 4)
    tie = randn(2, 3)
    tie[0, 1] = tie[0, 0] = 5.0
    return [Sample((a,), {}), Sample((a,), {"dim": 1}), Sample((randn(2, 3, 4),), {"dim": (0, 2), "keepdim": True}),
            Sample((tie,), {"dim": 1}, name="tie")]


def _extremum(name, reduce, largest, example):
    def forward(xp, x, dim=None, keepdim=False):
        if x.size == 0:
            raise ShapeError(f"op '{name}': cannot reduce an empty tensor of shape {x.shape}")
        return xp.asarray((xp.max if reduce == "max" else xp.min)(x, axis=axes_of(x, dim), keepdims=keepdim))

    op = OpDef(
        name=name, forward=forward, backward=_backward, infer=reduce_infer(name), saves_outputs=True,
        onnx=Onnx(emit=lambda e, x, dim=None, keepdim=False: e.reduce("Reduce" + reduce.capitalize(), x, e.axes(dim),
                                                                keepdim)),
        variants=Variants(methods=(name,)),
        samples=_samples,
        torch_ref=lambda torch, x, dim=None, keepdim=False: getattr(torch, name)(
            x, dim=() if dim is None else dim, keepdim=keepdim),
        reference=lambda np, x, dim=None, keepdim=False: getattr(np, reduce)(x, axis=dim, keepdims=keepdim))

    def public(input, dim=None, keepdim=False):
        return dispatch(op, (input,), reduce_attrs(dim if dim != () else None, keepdim))
    public.__name__ = public.__qualname__ = name
    public.__doc__ = f"""The {largest} element of input over `dim` (an int, a tuple of ints, or None or () for all).

    keepdim keeps each reduced dim with size 1. Where several elements tie for the {largest}, they
    share the gradient evenly, as in PyTorch. An empty input has no {largest} and raises ShapeError.

    Example::

        >>> x = ug.tensor([[1.0, 5.0, 2.0], [4.0, 3.0, 6.0]])
{example}
    """
    register(op, public=public)
    return public


amax = _extremum("amax", "max", "largest", """\
        >>> ug.amax(x)
        tensor(6.)
        >>> x.amax(dim=1)
        tensor([5., 6.])""")
amin = _extremum("amin", "min", "smallest", """\
        >>> ug.amin(x, dim=0)
        tensor([1., 3., 2.])
        >>> x.amin((0, 1), keepdim=True)
        tensor([[1.]])""")
