"""cholesky: the lower-triangular L with L @ L^T = A for symmetric positive-definite A (batched),
through NumPy's LAPACK; the gradient (Murray's formula) is written in ops:
Phi = tril(L^T gL) with its diagonal halved, S = L^-T Phi L^-1, dA = (S + S^T) / 2."""
import numpy as np

from ...errors import InvalidArgumentError, ShapeError
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec


def _forward(xp, a, upper=False):
    try:  # both triangles read (their mean), so the symmetric gradient is the true one
        low = xp.linalg.cholesky((a + xp.swapaxes(a, -1, -2)) / 2)
    except np.linalg.LinAlgError:
        raise InvalidArgumentError("cholesky: the matrix is not positive-definite") from None
    return xp.swapaxes(low, -1, -2).copy() if upper else low


def _backward(ctx, g):
    low = ctx.output(0)
    if ctx.attrs.get("upper"):
        low, g = F.transpose(low, -1, -2), F.transpose(g, -1, -2)
    phi = F.tril(F.matmul(F.transpose(low, -1, -2), g))
    eye = F.eye(low.shape[-1], dtype=low.dtype, device=low.device)
    phi = F.sub(phi, F.mul(F.mul(phi, eye), 0.5))
    inv = F.inverse(low)
    s = F.matmul(F.transpose(inv, -1, -2), F.matmul(phi, inv))
    return (F.mul(F.add(s, F.transpose(s, -1, -2)), 0.5),)


def _infer(a, upper=False):
    if len(a.shape) < 2 or a.shape[-1] != a.shape[-2]:
        raise ShapeError(f"cholesky: expected square matrices in the last two dims, got shape {tuple(a.shape)}")
    return Spec(a.shape, a.dtype)


def _spd(*shape, seed=0):
    m = randn(*shape, seed=seed)
    return m @ np.swapaxes(m, -1, -2) + shape[-1] * np.eye(shape[-1])


def _symmetric_input(torch, a, upper=False):
    # (the gradient of a symmetric input: both triangles are read, as torch's formula assumes)
    return torch.linalg.cholesky((a + a.mT) / 2, upper=upper)


cholesky_op = OpDef(
    name="cholesky", forward=_forward, backward=_backward, infer=_infer, saves_outputs=True,
    variants=Variants(methods=("cholesky",)),
    samples=lambda: [Sample((_spd(3, 3),)), Sample((_spd(2, 4, 4, seed=1),), {"upper": True})],
    torch_ref=_symmetric_input,
    reference=_forward)


def cholesky(input, upper=False):
    """The Cholesky factor of symmetric positive-definite matrices: lower-triangular L with
    ``L @ L.mT == input`` (upper=True: its transpose U with ``U.mT @ U == input``), as
    torch.linalg.cholesky. Both triangles are read (input and its transpose averaged; torch reads
    the lower one), so the gradient is symmetric, as torch's.

    Example::

        >>> ug.cholesky(ug.tensor([[4.0, 2.0], [2.0, 5.0]]))
        tensor([[2., 0.],
                [1., 2.]])
    """
    return dispatch(cholesky_op, (as_float_tensor(input),), {"upper": bool(upper)})


register(cholesky_op, public=cholesky)
