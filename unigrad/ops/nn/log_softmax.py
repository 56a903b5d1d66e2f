"""log_softmax: x - log(sum(exp(x))) along a dimension, a primitive with a fused, stable forward."""
from .. import api as F
from ..dispatch import dispatch
from ..registry import Compiled, Onnx, OpDef, Variants, register
from ..spec import Spec
from .common import softmax_dim, softmax_input, softmax_samples


def _forward(xp, x, dim):
    shifted = x - x.max(axis=dim, keepdims=True)
    return shifted - xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))


def _backward(ctx, g):
    y = ctx.output()
    return (F.sub(g, F.mul(F.exp(y), F.sum(g, dim=ctx.attrs["dim"], keepdim=True))),)


def _infer(x, dim):
    return Spec(x.shape, x.dtype)


log_softmax_op = OpDef(
    name="log_softmax", forward=_forward, backward=_backward, infer=_infer, saves_outputs=True,
    onnx=Onnx(emit=lambda e, x, dim: e.softmax("LogSoftmax", x, dim)),
    saves_inputs=False, compiled=Compiled(fresh=True),
    variants=Variants(methods=("log_softmax",), functional=True),
    samples=softmax_samples, torch_ref=lambda torch, x, dim: torch.log_softmax(x, dim),
    reference=lambda np, x, dim: x - np.log(np.exp(x).sum(axis=dim, keepdims=True)))


def log_softmax(input, dim=None, dtype=None):
    """``log(softmax(x))`` along `dim`, computed stably as ``x - max - log(sum(exp(x - max)))``.

    Args:
        input: a tensor (integers become the default float).
        dim: the dimension to normalise; None picks PyTorch's legacy default (0 for 0-, 1- and
            3-d inputs, else 1).
        dtype: convert input to this dtype first.

    Example::

        >>> x = ug.tensor([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
        >>> ug.log_softmax(x, dim=1)
        tensor([[-2.4076, -1.4076, -0.4076],
                [-1.0986, -1.0986, -1.0986]])
    """
    x = softmax_input(input, dtype)
    if x.ndim == 0:
        return F.zeros_like(x)
    return dispatch(log_softmax_op, (x,), {"dim": softmax_dim(x, dim)})


register(log_softmax_op, public=log_softmax)
