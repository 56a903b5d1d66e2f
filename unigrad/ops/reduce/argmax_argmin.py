"""argmax and argmin: the int64 index of the largest (smallest) element, over all of the input
(flattened) or along one dim; no gradient.

Two ops that differ only in the extreme they look for, so they are made by one maker."""
import builtins

from ...backend import dtypes as _dt
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from .common import reduce_attrs, reduce_infer


def _arg_forward(kind):
    def forward(xp, x, dim=None, keepdim=False):
        fn = xp.argmax if kind == "max" else xp.argmin
        if dim is None:
            out = fn(x)
            return xp.asarray(out.reshape((1,) * x.ndim) if keepdim else out, dtype=xp.int64)
        return xp.asarray(fn(x, axis=dim % builtins.max(x.ndim, 1), keepdims=keepdim), dtype=xp.int64)
    return forward


def _argextremum(name, kind, samples, example):
    forward = _arg_forward(kind)
    op = OpDef(
        name=name, forward=forward, diff_outputs=(), infer=reduce_infer(name, _dt.int64),
        onnx=Onnx(emit=lambda e, x, dim=None, keepdim=False: e.arg_extremum("Arg" + kind.capitalize(), x, dim, keepdim)),
        variants=Variants(methods=(name,)),
        samples=samples,
        torch_ref=lambda torch, x, dim=None, keepdim=False: getattr(torch, name)(x, dim, keepdim),
        reference=forward)

    def public(input, dim=None, keepdim=False):
        return dispatch(op, (input,), reduce_attrs(dim, keepdim))
    public.__name__ = public.__qualname__ = name
    public.__doc__ = f"""The index of the {kind} of input: into the flattened input when dim is None, else
    along the int dim `dim` (the first one where several tie). int64, with no gradient.

    keepdim keeps the reduced dim (every dim, when dim is None) with size 1.

    Example::

        >>> x = ug.tensor([[1.0, 5.0, 2.0], [4.0, 3.0, 6.0]])
{example}
    """
    register(op, public=public)
    return public


argmax = _argextremum(
    "argmax", "max",
    lambda: [Sample((randn(3, 4),), {}, grad=False), Sample((randn(3, 4),), {"dim": 1}, grad=False),
             Sample((randn(2, 3, 4),), {"dim": 0, "keepdim": True}, grad=False)], """\
        >>> ug.argmax(x)
        tensor(5)
        >>> x.argmax(dim=1)
        tensor([1, 2])""")
argmin = _argextremum(
    "argmin", "min",
    lambda: [Sample((randn(3, 4),), {}, grad=False), Sample((randn(3, 4),), {"dim": 1}, grad=False)], """\
        >>> ug.argmin(x, dim=0)
        tensor([0, 1, 0])
        >>> ug.argmin(x, 1, keepdim=True)
        tensor([[0],
                [1]])""")
