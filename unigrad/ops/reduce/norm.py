"""norm: the p-norm over any set of dims (torch.norm), a composite over linalg.vector_norm."""
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn


def norm(input, p=2, dim=None, keepdim=False):
    """The p-norm of input over `dim` (an int, a tuple of ints, or None for all of them):
    ``sum(abs(input) ** p) ** (1 / p)``, p a number (2: the Euclidean norm, Frobenius for matrices;
    inf / -inf: the largest / smallest ``|x|``; 0: the count of nonzeros) or ``"fro"``.

    keepdim keeps each reduced dim with size 1, so that the result broadcasts against input.

    Example::

        >>> x = ug.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        >>> ug.norm(x)
        tensor(9.5394)
        >>> x.norm(p=1, dim=1)
        tensor([ 6., 15.])
    """
    # linalg.vector_norm computes every order (its own file holds the cases): p=inf gave 1 here before
    from ..linalg.vector_norm import vector_norm
    return vector_norm(input, 2 if p == "fro" else p, dim, keepdim)


register(OpDef(name="norm", impl=norm, variants=Variants(methods=("norm",)),
               samples=lambda: [Sample((randn(3, 4),), {}), Sample((randn(3, 4),), {"p": 1, "dim": 1}),
                                Sample((randn(2, 3, 4),), {"p": 3, "dim": (0, 2), "keepdim": True}),
                                Sample((randn(3, 4),), {"p": float("inf"), "dim": 1}),
                                Sample((randn(3, 4),), {"p": "fro"})],
               torch_ref=lambda torch, x, p=2, dim=None, keepdim=False: torch.norm(x, p, dim, keepdim)))
