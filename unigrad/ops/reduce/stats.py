"""var, std, logsumexp (composites) and prod (primitive, zero-safe gradient), all/any."""
from ...backend import dtypes as _dt
from .. import api as F
from ..dispatch import dispatch
from ..registry import OpDef, Sample, register
from ..sampling import positive, randn
from .common import axes_of, count, expand_back, reduce_infer


def var(input, dim=None, unbiased=None, keepdim=False, correction=None):
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    centered = F.sub(input, F.mean(input, dim=dim, keepdim=True))
    n = count(tuple(input.shape), dim)
    return F.div(F.sum(F.mul(centered, centered), dim=dim, keepdim=keepdim), float(max(n - correction, 0)))


def std(input, dim=None, unbiased=None, keepdim=False, correction=None):
    return F.sqrt(var(input, dim=dim, unbiased=unbiased, keepdim=keepdim, correction=correction))


def var_mean(input, dim=None, unbiased=None, keepdim=False, correction=None):
    return var(input, dim, unbiased, keepdim, correction), F.mean(input, dim=dim, keepdim=keepdim)


def logsumexp(input, dim, keepdim=False):
    peak = F.amax(input, dim=dim, keepdim=True).detach()
    peak = F.where(F.isfinite(peak), peak, F.zeros_like(peak))  # all -inf rows stay -inf, not nan
    out = F.add(F.log(F.sum(F.exp(F.sub(input, peak)), dim=dim, keepdim=True)), peak)
    return out if keepdim else F.squeeze(out, dim)


def _var_samples():
    return [Sample((randn(3, 4),), {}), Sample((randn(3, 4),), {"dim": 1}),
            Sample((randn(2, 3, 4),), {"dim": (0, 2), "keepdim": True, "correction": 0})]


def _torch_var(fn):
    def ref(torch, x, dim=None, keepdim=False, correction=1, unbiased=None):
        return getattr(torch, fn)(x, dim=dim, keepdim=keepdim, correction=correction)
    return ref


register(OpDef(name="var", impl=var, samples=_var_samples, torch_ref=_torch_var("var")))
register(OpDef(name="std", impl=std, samples=_var_samples, torch_ref=_torch_var("std")))
register(OpDef(name="logsumexp", impl=logsumexp,
               samples=lambda: [Sample((randn(3, 4) * 10,), {"dim": 1}),
                                Sample((randn(2, 3, 4),), {"dim": (0, 2), "keepdim": True})],
               torch_ref=lambda torch, x, dim, keepdim=False: torch.logsumexp(x, dim, keepdim)))


def _prod_forward(xp, x, dim=None, keepdim=False):
    return xp.asarray(x.prod(axis=axes_of(x, dim), keepdims=keepdim))


def _prod_backward(ctx, g):
    """d prod / d x_i = product of the others; exact also when some x are zero."""
    x = ctx.inputs[0]
    dim, keepdim = ctx.attrs.get("dim"), ctx.attrs.get("keepdim", False)
    is_zero = F.eq(x, 0)
    nonzero = F.where(is_zero, F.ones_like(x), x)
    prod_nonzero = F.prod(nonzero, dim=dim, keepdim=True)
    zeros = F.sum(F.to_dtype(is_zero, _dt.int64), dim=dim, keepdim=True)
    others = F.where(is_zero, F.where(F.eq(zeros, 1), prod_nonzero, F.zeros_like(prod_nonzero)),
                     F.where(F.gt(zeros, 0), F.zeros_like(prod_nonzero), F.div(prod_nonzero, nonzero)))
    return (F.mul(expand_back(F, g, x, dim, keepdim), others),)


def _prod_samples():
    z = positive(3, 4)
    z[1, 2] = 0.0
    zz = positive(3, 4, seed=2)
    zz[0, 0] = zz[0, 3] = 0.0
    # with zeros the first-order gradient is exact; its own gradient at the zeros is not (documented)
    return [Sample((positive(3, 4),), {}), Sample((randn(3, 4),), {"dim": 1}), Sample((z,), {"dim": 1}, double=False),
            Sample((zz,), {"dim": 1, "keepdim": True}, double=False)]


prod_op = register(OpDef(
    name="prod", forward=_prod_forward, backward=_prod_backward, infer=reduce_infer("prod"),
    samples=_prod_samples,
    torch_ref=lambda torch, x, dim=None, keepdim=False: x.prod() if dim is None else x.prod(dim, keepdim=keepdim),
    reference=_prod_forward))


def prod(input, dim=None, keepdim=False, dtype=None):
    if dtype is not None:
        input = F.to_dtype(input, dtype)
    attrs = {} if dim is None else {"dim": dim}
    if keepdim:
        attrs["keepdim"] = True
    return dispatch(prod_op, (input,), attrs)


prod_op.public = prod


def _bool_reduce(name, fn):
    def forward(xp, x, dim=None, keepdim=False):
        return xp.asarray(fn(xp, x, axes_of(x, dim), keepdim))
    op = register(OpDef(
        name=name, forward=forward, diff_outputs=(), infer=reduce_infer(name, _dt.bool_),
        samples=lambda: [Sample((randn(3, 4) > 0,), {}, grad=False), Sample((randn(3, 4) > -1,), {"dim": 1}, grad=False)],
        torch_ref=lambda torch, x, dim=None, keepdim=False: getattr(torch, name)(x) if dim is None
        else getattr(torch, name)(x, dim, keepdim=keepdim),
        reference=forward))

    def public(input, dim=None, keepdim=False):
        attrs = {} if dim is None else {"dim": dim}
        if keepdim:
            attrs["keepdim"] = True
        return dispatch(op, (input,), attrs)
    op.public = public
    return public


all = _bool_reduce("all", lambda xp, x, axis, keepdim: x.all(axis=axis, keepdims=keepdim))
any = _bool_reduce("any", lambda xp, x, axis, keepdim: x.any(axis=axis, keepdims=keepdim))
