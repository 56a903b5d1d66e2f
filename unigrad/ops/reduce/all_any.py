"""all and any: whether every (some) element is true over any set of dims, a bool tensor.

Two ops that differ only in the test they make, so they are made by one maker."""
from ...backend import dtypes as _dt
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from .common import axes_of, reduce_attrs, reduce_infer


def _samples():
    return [Sample((randn(3, 4) > 0,), {}, grad=False), Sample((randn(3, 4) > -1,), {"dim": 1}, grad=False)]


def _bool_reduce(name, fn, meaning, example):
    def forward(xp, x, dim=None, keepdim=False):
        return xp.asarray(fn(xp, x, axes_of(x, dim), keepdim))

    op = OpDef(
        name=name, forward=forward, diff_outputs=(), infer=reduce_infer(name, _dt.bool_),
        onnx=Onnx(emit=lambda e, x, dim=None, keepdim=False: e.bool_reduce(x, dim, keepdim, every=name == "all")),
        variants=Variants(methods=(name,)),
        samples=_samples,
        torch_ref=lambda torch, x, dim=None, keepdim=False: getattr(torch, name)(x) if dim is None
        else getattr(torch, name)(x, dim, keepdim=keepdim),
        reference=forward)

    def public(input, dim=None, keepdim=False):
        return dispatch(op, (input,), reduce_attrs(dim, keepdim))
    public.__name__ = public.__qualname__ = name
    public.__doc__ = f"""Whether {meaning} element of input is true (nonzero) over `dim` (an int, a tuple of
    ints, or None for all of them): a bool tensor. keepdim keeps each reduced dim with size 1.

    Example::

        >>> b = ug.tensor([[True, False], [True, True]])
{example}
    """
    register(op, public=public)
    return public


all = _bool_reduce("all", lambda xp, x, axis, keepdim: x.all(axis=axis, keepdims=keepdim), "every", """\
        >>> ug.all(b)
        tensor(False)
        >>> b.all(dim=1)
        tensor([False,  True])""")
any = _bool_reduce("any", lambda xp, x, axis, keepdim: x.any(axis=axis, keepdims=keepdim), "some", """\
        >>> ug.any(b, 0)
        tensor([ True,  True])
        >>> b.any(dim=1, keepdim=True)
        tensor([[ True],
                [ True]])""")
