"""cummax and cummin: the running largest (smallest) value along a dim and where it was last
reached; the gradient goes to those positions."""
from ...backend import dtypes as _dt
from .. import api as F
from ..dispatch import dispatch
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, normalize_dim
from .common import ValuesIndices
import numpy as np


def _forward_for(kind):
    def forward(xp, x, dim):
        if x.ndim == 0:
            return x.copy(), xp.zeros((), dtype=xp.int64)
        values = (xp.maximum if kind == "max" else xp.minimum).accumulate(x, axis=dim)
        shape = [1] * x.ndim
        shape[dim] = -1
        positions = xp.broadcast_to(xp.arange(x.shape[dim]).reshape(shape), x.shape)
        # the running value was reached last where x equals it: the running max of those positions
        marked = xp.where(x == values, positions, 0)
        return values, xp.maximum.accumulate(marked, axis=dim).astype(xp.int64)
    return forward


def _backward(ctx, g, _gi=None):
    x = ctx.inputs[0]
    if x.ndim == 0:
        return (g,)
    return (F.scatter_add(F.zeros_like(x), ctx.attrs["dim"], ctx.output(1), g),)


def _make(kind):
    op = OpDef(
        name=f"cum{kind}", forward=_forward_for(kind), backward=_backward, n_outputs=2, saves_outputs=True,
        infer=lambda x, dim: (Spec(x.shape, x.dtype), Spec(x.shape, _dt.int64)),
        variants=Variants(methods=(f"cum{kind}",)),
        samples=lambda: [Sample((randn(3, 5),), {"dim": 1}), Sample((randn(4, 3),), {"dim": 0}),
                         Sample((np.array([[1.0, 3.0, 3.0, 2.0, 5.0, 5.0]]),), {"dim": 1}, grad=False)],
        torch_ref=lambda torch, x, dim: tuple(getattr(torch, f"cum{kind}")(x, dim)), reference=_forward_for(kind))

    def public(input, dim):
        d = normalize_dim(f"cum{kind}", dim, max(input.ndim, 1)) if input.ndim else 0
        return ValuesIndices(dispatch(op, (input,), {"dim": d}))
    public.__name__ = public.__qualname__ = f"cum{kind}"
    public.__doc__ = f"""The running {kind}imum of input along dim and the index where it was last reached: a
    (values, indices) pair, as torch.cum{kind}.

    Example::

        >>> ug.cum{kind}(ug.tensor([1.0, 3.0, 2.0, 3.0]), 0)
        {"(tensor([1., 3., 3., 3.]), tensor([0, 1, 1, 3]))" if kind == "max" else
         "(tensor([1., 1., 1., 1.]), tensor([0, 0, 0, 0]))"}
    """
    register(op, public=public)
    return public


cummax = _make("max")
cummin = _make("min")
