"""softmax: exp(x) / sum(exp(x)) along a dimension, a primitive with a fused, stable forward."""
from .. import api as F
from ..dispatch import dispatch
from ..registry import Compiled, Onnx, OpDef, Variants, register
from ..spec import Spec
from .common import softmax_dim, softmax_input, softmax_samples


def _forward(xp, x, dim):
    e = xp.exp(x - x.max(axis=dim, keepdims=True))
    e /= e.sum(axis=dim, keepdims=True)
    return e


def _backward(ctx, g):
    y = ctx.output()
    gy = F.mul(g, y)
    return (F.sub(gy, F.mul(y, F.sum(gy, dim=ctx.attrs["dim"], keepdim=True))),)


def _infer(x, dim):
    return Spec(x.shape, x.dtype)


softmax_op = OpDef(
    name="softmax", forward=_forward, backward=_backward, infer=_infer, saves_outputs=True, saves_inputs=False,
    onnx=Onnx(emit=lambda e, x, dim: e.softmax("Softmax", x, dim)),
    compiled=Compiled(fresh=True),
    variants=Variants(methods=("softmax",), functional=True),
    samples=softmax_samples, torch_ref=lambda torch, x, dim: torch.softmax(x, dim),
    reference=lambda np, x, dim: np.exp(x) / np.exp(x).sum(axis=dim, keepdims=True))


def softmax(input, dim=None, dtype=None):
    """``exp(x) / exp(x).sum(dim, keepdim=True)``: along `dim`, values in (0, 1) that sum to 1,
    computed stably (the maximum is subtracted first).

    Args:
        input: a tensor (integers become the default float).
        dim: the dimension to normalise; None picks PyTorch's legacy default (0 for 0-, 1- and
            3-d inputs, else 1).
        dtype: convert input to this dtype first.

    Example::

        >>> x = ug.tensor([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
        >>> ug.softmax(x, dim=1)
        tensor([[0.09  , 0.2447, 0.6652],
                [0.3333, 0.3333, 0.3333]])
    """
    x = softmax_input(input, dtype)
    if x.ndim == 0:
        return F.ones_like(x)
    return dispatch(softmax_op, (x,), {"dim": softmax_dim(x, dim)})


register(softmax_op, public=softmax)
