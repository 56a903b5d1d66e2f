"""The small products with torch's names: outer (ger), dot, mv, addmm, addmv, addcmul, addcdiv;
composites of mul, matmul and add."""
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import positive, randn


def outer(input, vec2):
    """The outer product ``input[i] * vec2[j]`` of two 1-D tensors (torch.outer, also ger).

    Example::

        >>> ug.outer(ug.tensor([1.0, 2.0]), ug.tensor([1.0, 10.0]))
        tensor([[ 1., 10.],
                [ 2., 20.]])
    """
    if input.ndim != 1 or vec2.ndim != 1:
        raise ShapeError(f"outer: expects two 1-D tensors, got {tuple(input.shape)} and {tuple(vec2.shape)}")
    return F.mul(F.unsqueeze(input, 1), F.unsqueeze(vec2, 0))


def dot(input, other):
    """The inner product of two 1-D tensors of the same length (torch.dot).

    Example::

        >>> ug.dot(ug.tensor([1.0, 2.0]), ug.tensor([3.0, 4.0]))
        tensor(11.)
    """
    if input.ndim != 1 or other.ndim != 1 or input.shape[0] != other.shape[0]:
        raise ShapeError(f"dot: expects two 1-D tensors of one length, got {tuple(input.shape)} and "
                         f"{tuple(other.shape)}")
    return F.matmul(input, other)


def mv(input, vec):
    """The product of a matrix (n, m) and a vector (m,) (torch.mv).

    Example::

        >>> ug.mv(ug.tensor([[1.0, 2.0], [3.0, 4.0]]), ug.tensor([1.0, 1.0]))
        tensor([3., 7.])
    """
    if input.ndim != 2 or vec.ndim != 1:
        raise ShapeError(f"mv: expects a matrix and a vector, got {tuple(input.shape)} and {tuple(vec.shape)}")
    return F.matmul(input, vec)


def _scaled(t, s):
    return t if s == 1 else F.mul(t, s)


def addmm(input, mat1, mat2, beta=1, alpha=1):
    """``beta * input + alpha * (mat1 @ mat2)``, input broadcasting (torch.addmm).

    Example::

        >>> ug.addmm(ug.ones(2), ug.eye(2), ug.tensor([[1.0, 2.0], [3.0, 4.0]]), alpha=2)
        tensor([[3., 5.],
                [7., 9.]])
    """
    if mat1.ndim != 2 or mat2.ndim != 2:
        raise ShapeError(f"addmm: mat1 and mat2 must be matrices, got {tuple(mat1.shape)} and {tuple(mat2.shape)}")
    product = _scaled(F.matmul(mat1, mat2), alpha)
    return product if beta == 0 else F.add(_scaled(input, beta), product)


def addmv(input, mat, vec, beta=1, alpha=1):
    """``beta * input + alpha * (mat @ vec)`` (torch.addmv).

    Example::

        >>> ug.addmv(ug.ones(2), ug.eye(2), ug.tensor([1.0, 2.0]))
        tensor([2., 3.])
    """
    product = _scaled(mv(mat, vec), alpha)
    return product if beta == 0 else F.add(_scaled(input, beta), product)


def addcmul(input, tensor1, tensor2, value=1):
    """``input + value * tensor1 * tensor2``, elementwise, broadcasting (torch.addcmul).

    Example::

        >>> ug.addcmul(ug.ones(2), ug.tensor([1.0, 2.0]), ug.tensor([3.0, 4.0]), value=0.5)
        tensor([2.5, 5. ])
    """
    return F.add(input, _scaled(F.mul(tensor1, tensor2), value))


def addcdiv(input, tensor1, tensor2, value=1):
    """``input + value * tensor1 / tensor2``, elementwise, broadcasting (torch.addcdiv).

    Example::

        >>> ug.addcdiv(ug.ones(2), ug.tensor([1.0, 2.0]), ug.tensor([4.0, 4.0]))
        tensor([1.25, 1.5 ])
    """
    return F.add(input, _scaled(F.div(tensor1, tensor2), value))


register(OpDef(name="outer", impl=outer, variants=Variants(aliases=("ger",), methods=("outer", "ger")),
               samples=lambda: [Sample((randn(3), randn(4, seed=1)))], torch_ref=lambda torch, a, b: torch.outer(a, b)))
register(OpDef(name="dot", impl=dot, samples=lambda: [Sample((randn(5), randn(5, seed=1)))],
               torch_ref=lambda torch, a, b: torch.dot(a, b)))
register(OpDef(name="mv", impl=mv, variants=Variants(methods=("mv",)),
               samples=lambda: [Sample((randn(3, 4), randn(4, seed=1)))], torch_ref=lambda torch, a, b: torch.mv(a, b)))
register(OpDef(name="addmm", impl=addmm, variants=Variants(methods=("addmm",), inplace=("addmm_",)),
               samples=lambda: [Sample((randn(3, 5), randn(3, 4, seed=1), randn(4, 5, seed=2))),
                                Sample((randn(5), randn(3, 4, seed=1), randn(4, 5, seed=2)), {"beta": 0.5, "alpha": 2})],
               torch_ref=lambda torch, x, a, b, beta=1, alpha=1: torch.addmm(x, a, b, beta=beta, alpha=alpha)))
register(OpDef(name="addmv", impl=addmv, variants=Variants(methods=("addmv",)),
               samples=lambda: [Sample((randn(3), randn(3, 4, seed=1), randn(4, seed=2)), {"beta": 2, "alpha": 0.5})],
               torch_ref=lambda torch, x, a, v, beta=1, alpha=1: torch.addmv(x, a, v, beta=beta, alpha=alpha)))
register(OpDef(name="addcmul", impl=addcmul, variants=Variants(methods=("addcmul",), inplace=("addcmul_",)),
               samples=lambda: [Sample((randn(3, 4), randn(3, 4, seed=1), randn(4, seed=2)), {"value": 0.3})],
               torch_ref=lambda torch, x, a, b, value=1: torch.addcmul(x, a, b, value=value)))
register(OpDef(name="addcdiv", impl=addcdiv, variants=Variants(methods=("addcdiv",), inplace=("addcdiv_",)),
               samples=lambda: [Sample((randn(3, 4), randn(3, 4, seed=1), positive(4, seed=2)), {"value": 0.3})],
               torch_ref=lambda torch, x, a, b, value=1: torch.addcdiv(x, a, b, value=value)))
