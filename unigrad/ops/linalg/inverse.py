"""inverse, det, slogdet and solve: the dense linear algebra of square matrices (batched over
leading dims) through NumPy's LAPACK; gradients written with the ops themselves (so they
differentiate again): d(A^-1) = -A^-T g A^-T, d det = g det A^-T, d log|det| = A^-T,
solve's from the transposed system."""
import numpy as np

from ...errors import InvalidArgumentError, ShapeError
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor, tensor_operands
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from ..elementwise.binary import NO_ATTRS


def _mT(x):
    return F.transpose(x, -1, -2)


def _square(name, shape):
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise ShapeError(f"{name}: expected square matrices in the last two dims, got shape {tuple(shape)}")


def _well_conditioned(*shape, seed=0):
    """Random matrices far from singular: a random part plus a multiple of the identity."""
    return randn(*shape, seed=seed) + 3 * np.eye(shape[-1])


def _lapack(fn, name):
    def run(xp, *arrays):
        try:
            return fn(xp, *arrays)
        except np.linalg.LinAlgError as e:
            raise InvalidArgumentError(f"{name}: the matrix is singular ({e}); check the input or use pinv") from None
    return run


def _inv_infer(a):
    _square("inverse", a.shape)
    return Spec(a.shape, a.dtype)


def _inv_backward(ctx, g):
    y = ctx.output(0)
    return (F.neg(F.matmul(_mT(y), F.matmul(g, _mT(y)))),)


inverse_op = OpDef(
    name="inverse", forward=_lapack(lambda xp, a: xp.linalg.inv(a), "inverse"), backward=_inv_backward,
    infer=_inv_infer, saves_outputs=True, variants=Variants(methods=("inverse",)),
    samples=lambda: [Sample((_well_conditioned(3, 3),)), Sample((_well_conditioned(2, 4, 4, seed=1),))],
    torch_ref=lambda torch, a: torch.inverse(a), reference=lambda np, a: np.linalg.inv(a))


def inverse(input):
    """The inverse of each square matrix in input's last two dims (torch.inverse,
    torch.linalg.inv); a singular matrix raises an error saying so.

    Example::

        >>> ug.inverse(ug.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5 , 0.  ],
                [0.  , 0.25]])
    """
    return dispatch(inverse_op, (as_float_tensor(input),), NO_ATTRS)


def _det_infer(a):
    _square("det", a.shape)
    return Spec(a.shape[:-2], a.dtype)


def _det_backward(ctx, g):
    a = ctx.inputs[0]
    d = ctx.output(0)
    return (F.mul(F.unsqueeze(F.unsqueeze(F.mul(g, d), -1), -1), _mT(inverse(a))),)


det_op = OpDef(
    name="det", forward=lambda xp, a: xp.asarray(xp.linalg.det(a), dtype=a.dtype), backward=_det_backward,
    infer=_det_infer, saves_outputs=True, variants=Variants(methods=("det",)),
    samples=lambda: [Sample((_well_conditioned(3, 3),)), Sample((_well_conditioned(2, 4, 4, seed=1),))],
    torch_ref=lambda torch, a: torch.det(a), reference=lambda np, a: np.linalg.det(a))


def det(input):
    """The determinant of each square matrix in input's last two dims (torch.det, torch.linalg.det).

    Example::

        >>> ug.det(ug.tensor([[2.0, 1.0], [1.0, 3.0]]))
        tensor(5.)
    """
    return dispatch(det_op, (as_float_tensor(input),), NO_ATTRS)


def _slogdet_forward(xp, a):
    sign, logabs = xp.linalg.slogdet(a)
    return xp.asarray(sign, dtype=a.dtype), xp.asarray(logabs, dtype=a.dtype)


def _slogdet_infer(a):
    _square("slogdet", a.shape)
    return Spec(a.shape[:-2], a.dtype), Spec(a.shape[:-2], a.dtype)


def _slogdet_backward(ctx, g_sign, g_logabs):
    if g_logabs is None:
        return (None,)
    return (F.mul(F.unsqueeze(F.unsqueeze(g_logabs, -1), -1), _mT(inverse(ctx.inputs[0]))),)


slogdet_op = OpDef(
    name="slogdet", forward=_slogdet_forward, backward=_slogdet_backward, infer=_slogdet_infer, n_outputs=2,
    diff_outputs=(1,), variants=Variants(methods=("slogdet",)),
    # (the harness pairs finite differences with every float output, sign included: its gradient is
    # checked against torch here, and against finite differences through logdet)
    samples=lambda: [Sample((_well_conditioned(3, 3),), fd=False), Sample((-_well_conditioned(2, 3, 3, seed=1),), fd=False)],
    torch_ref=lambda torch, a: tuple(torch.slogdet(a)), reference=_slogdet_forward)


def slogdet(input):
    """(sign, log|det|) of each square matrix, as torch.slogdet: the log of the determinant's
    size without overflow; its gradient flows through the second.

    Example::

        >>> sign, logabsdet = ug.slogdet(ug.tensor([[-2.0, 0.0], [0.0, 3.0]]))
        >>> sign, logabsdet
        (tensor(-1.), tensor(1.7918))
    """
    return dispatch(slogdet_op, (as_float_tensor(input),), NO_ATTRS)


def logdet(input):
    """log(det(input)): nan for a negative determinant, -inf for 0 (torch.logdet).

    Example::

        >>> ug.logdet(ug.tensor([[2.0, 0.0], [0.0, 3.0]]))
        tensor(1.7918)
    """
    sign, logabs = slogdet(input)
    return F.where(F.lt(sign, 0.0), F.full_like(logabs, float("nan")),
                   F.where(F.eq(sign, 0.0), F.full_like(logabs, float("-inf")), logabs))


def _solve_infer(a, b):
    _square("solve", a.shape)
    vector = len(b.shape) == 1
    if (b.shape[0] if vector else b.shape[-2]) != a.shape[-1]:
        raise ShapeError(f"solve: A {tuple(a.shape)} and B {tuple(b.shape)} do not match (B's rows must be A's size)")
    return Spec(b.shape if vector else tuple(np.broadcast_shapes(a.shape[:-2], b.shape[:-2])) + b.shape[-2:], a.dtype)


def _solve_forward(xp, a, b):
    if b.ndim == 1:
        return xp.linalg.solve(a, b[:, None])[..., 0] if a.ndim == 2 else xp.linalg.solve(a, b[..., None])[..., 0]
    return xp.linalg.solve(a, b)


def _solve_backward(ctx, g):
    a, b = ctx.inputs
    x = ctx.output(0)
    gb = solve(_mT(a), g)
    ga = None
    if ctx.needs_input_grad(0):
        gb_m = F.unsqueeze(gb, -1) if b.ndim == 1 else gb
        x_m = F.unsqueeze(x, -1) if b.ndim == 1 else x
        ga = F.sum_to(F.neg(F.matmul(gb_m, _mT(x_m))), tuple(a.shape))
    return ga, (F.sum_to(gb, tuple(b.shape)) if ctx.needs_input_grad(1) else None)


solve_op = OpDef(
    name="solve", forward=_lapack(_solve_forward, "linalg.solve"), backward=_solve_backward, infer=_solve_infer,
    saves_outputs=True, variants=Variants(function=False),
    samples=lambda: [Sample((_well_conditioned(3, 3), randn(3, 2, seed=1))), Sample((_well_conditioned(3, 3), randn(3, seed=2))),
                     Sample((_well_conditioned(2, 3, 3, seed=3), randn(2, 3, 4, seed=4)))],
    torch_ref=lambda torch, a, b: torch.linalg.solve(a, b), reference=_solve_forward)


def solve(A, B):
    """X with ``A @ X = B`` for square A (batched; B a matrix or a vector), as torch.linalg.solve.

    Example::

        >>> ug.linalg.solve(ug.tensor([[2.0, 0.0], [0.0, 4.0]]), ug.tensor([2.0, 2.0]))
        tensor([1. , 0.5])
    """
    a, b = tensor_operands(as_float_tensor(A), as_float_tensor(B))
    return dispatch(solve_op, (a, b), NO_ATTRS)


def matrix_power(input, n):
    """input @ input @ ... (n times) for square matrices; n = 0 gives identities and n < 0 powers
    of the inverse (torch.matrix_power, torch.linalg.matrix_power). Squares repeatedly.

    Example::

        >>> ug.matrix_power(ug.tensor([[1.0, 1.0], [0.0, 1.0]]), 3)
        tensor([[1., 3.],
                [0., 1.]])
    """
    _square("matrix_power", input.shape)
    if n == 0:
        return F.broadcast_to(F.eye(input.shape[-1], dtype=input.dtype, device=input.device), tuple(input.shape))
    base = inverse(input) if n < 0 else input
    n, result = abs(n), None
    while n:
        if n & 1:
            result = base if result is None else F.matmul(result, base)
        n >>= 1
        if n:
            base = F.matmul(base, base)
    return result


register(inverse_op, public=inverse)
register(det_op, public=det)
register(slogdet_op, public=slogdet)
register(solve_op, public=solve)
register(OpDef(name="logdet", impl=logdet, variants=Variants(methods=("logdet",)),
               samples=lambda: [Sample((_well_conditioned(3, 3),))], torch_ref=lambda torch, a: torch.logdet(a)))
register(OpDef(name="matrix_power", impl=matrix_power, variants=Variants(methods=("matrix_power",)),
               samples=lambda: [Sample((_well_conditioned(3, 3) / 3, 3)), Sample((_well_conditioned(2, 3, 3) / 3, -2)),
                                Sample((randn(3, 3), 0))],
               torch_ref=lambda torch, a, n: torch.matrix_power(a, n)))
