"""scatter_reduce: src reduced into input at index along a dim (sum, prod, mean, amax, amin), as
torch.scatter_reduce; no gradient."""
import numpy as np

from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from .indexing import add_at, along

_UFUNCS = {"sum": "add", "prod": "multiply", "amax": "maximum", "amin": "minimum", "mean": "add"}
_CUPYX = {"sum": "scatter_add", "mean": "scatter_add", "amax": "scatter_max", "amin": "scatter_min"}
_IDENTITY = {"sum": 0, "prod": 1, "amax": -np.inf, "amin": np.inf, "mean": 0}


def _forward(xp, x, index, src, dim, reduce, include_self=True):
    src = src[tuple(slice(0, s) for s in index.shape)]
    key = along(xp, index, dim)
    out = x.copy()
    if not include_self:  # positions that receive values start from the reduction's identity
        identity = _IDENTITY[reduce]
        if out.dtype.kind in "iub" and not np.isfinite(identity):
            info = np.iinfo(out.dtype)
            identity = info.min if identity < 0 else info.max
        out[key] = identity
    ufunc = getattr(xp, _UFUNCS[reduce])
    if xp is np:
        ufunc.at(out, key, src)
    elif reduce == "prod":  # cupyx has no product scatter: reduce on the host, then back to the device
        host = xp.asnumpy(out)
        np.multiply.at(host, tuple(k.get() if hasattr(k, "get") else k for k in key), xp.asnumpy(src))
        out = xp.asarray(host)
    else:
        import cupyx
        getattr(cupyx, _CUPYX[reduce])(out, key, src)
    if reduce == "mean":
        count = xp.zeros(x.shape, dtype=np.int64)
        add_at(xp, count, key, 1)
        count = count + (1 if include_self else 0)
        out = xp.where(count > 0, out / xp.maximum(count, 1), out)
        if x.dtype.kind in "iu":
            out = xp.floor_divide(out, 1).astype(x.dtype)
        out = out.astype(x.dtype)
    return out


def _infer(x, index, src, dim, reduce, include_self=True):
    return Spec(x.shape, x.dtype)


scatter_reduce_op = OpDef(
    name="scatter_reduce", forward=_forward, diff_outputs=(), nondiff_inputs=(1,), infer=_infer,
    onnx=Onnx(emit=lambda e, x, index, src, **attrs: e.scatter_reduce(x, index, src, **attrs), opset=18),
    variants=Variants(methods=("scatter_reduce",)),
    samples=lambda: [Sample((randn(3, 4), np.array([[0, 1, 0, 2], [2, 1, 1, 0]]), randn(2, 4, seed=1)),
                            {"dim": 0, "reduce": r, "include_self": inc}, grad=False)
                     for r in ("sum", "prod", "amax", "amin", "mean") for inc in (True, False)],
    torch_ref=lambda torch, x, index, src, dim, reduce, include_self=True: torch.scatter_reduce(
        x, dim, index, src, reduce, include_self=include_self), reference=_forward)


def scatter_reduce(input, dim, index, src, reduce, include_self=True):
    """input with each src[i][j] reduced into input[index[i][j]][j] (for dim=0; likewise for
    other dims) by `reduce`: "sum", "prod", "mean", "amax" or "amin", as torch.scatter_reduce;
    include_self=False leaves input's own values out where any src lands. No gradient.

    Example::

        >>> ug.scatter_reduce(ug.zeros(3), 0, ug.tensor([0, 2, 0]), ug.tensor([1.0, 5.0, 3.0]), "amax")
        tensor([3., 0., 5.])
    """
    if reduce not in _UFUNCS:
        from ...errors import InvalidArgumentError
        raise InvalidArgumentError(f"scatter_reduce: reduce must be one of {sorted(_UFUNCS)}, got {reduce!r}")
    if src._dtype is not input._dtype:
        from .. import api as F
        src = F.to_dtype(src, input._dtype)
    return dispatch(scatter_reduce_op, (input, index, src), {"dim": dim % max(input.ndim, 1), "reduce": reduce,
                                                            "include_self": bool(include_self)})


register(scatter_reduce_op, public=scatter_reduce)
