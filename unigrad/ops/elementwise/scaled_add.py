"""axpby(y, x, alpha, beta) = alpha*x + beta*y over same-shaped tensors (BLAS's axpby).

The graph compiler rewrites `beta*y + x`, `y - alpha*x` and the like into this op (optimizer
updates are made of them), and the memory plan runs it in place over a dead operand: one pass
over memory through BLAS instead of three NumPy passes and a temporary.
"""
from ...backend.blas_vector import scaled_add_
from ...errors import DtypeError, ShapeError
from .. import api as F
from ..registry import OpDef, Sample, register
from ..sampling import randn
from ..spec import Spec


def _forward(xp, y, x, alpha, beta):
    return scaled_add_(y.copy(), x, alpha, beta)


def axpby_into(y, x, alpha, beta, out):
    """The op writing into `out` (which may be y itself)."""
    if out is not y:
        out[...] = y
    return scaled_add_(out, x, alpha, beta)


def _backward(ctx, g):
    alpha, beta = ctx.attrs["alpha"], ctx.attrs["beta"]
    return (F.mul(g, beta) if ctx.needs_input_grad(0) else None,
            F.mul(g, alpha) if ctx.needs_input_grad(1) else None)


def _infer(y, x, alpha, beta):
    if tuple(y.shape) != tuple(x.shape):
        raise ShapeError(f"op 'axpby': operands must have one shape, got {tuple(y.shape)} and {tuple(x.shape)}")
    if y.dtype is not x.dtype or not y.dtype.is_floating_point:
        raise DtypeError(f"op 'axpby': needs two floating operands of one dtype, got {y.dtype} and {x.dtype}")
    return Spec(y.shape, y.dtype)


def _samples():
    return [Sample((randn(3, 4), randn(3, 4, seed=1)), {"alpha": 0.5, "beta": -2.0}),
            Sample((randn(64, 80, seed=2), randn(64, 80, seed=3)), {"alpha": -0.01, "beta": 1.0}, name="blas"),
            Sample((randn(5, seed=4), randn(5, seed=5)), {"alpha": 1.0, "beta": 0.9})]


axpby_op = register(OpDef(
    name="axpby", forward=_forward, backward=_backward, infer=_infer, saves_inputs=False, samples=_samples,
    torch_ref=lambda torch, y, x, alpha, beta: torch.add(y * beta, x, alpha=alpha),
    reference=lambda np_, y, x, alpha, beta: np_.asarray(alpha, y.dtype) * x + np_.asarray(beta, y.dtype) * y,
    doc="alpha*x + beta*y for tensors of one shape (BLAS axpby; what optimizer updates compile to)."))


def axpby(y, x, alpha=1.0, beta=1.0):
    return axpby_op.public(y, x, alpha=float(alpha), beta=float(beta))

