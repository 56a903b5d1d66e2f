"""einsum: products of tensors summed over the subscripts an equation names (NumPy's einsum with
BLAS contraction). The equation is made explicit once (ellipses spelled as letters, the implicit
output written out), and each operand's gradient is an einsum of the gradient with the others."""
import string

import numpy as np

from ...errors import InvalidArgumentError, ShapeError, UnigradError
from .. import api as F
from ..dispatch import dispatch
from ..operands import tensor_operands
from ..registry import OpDef, Sample, register
from ..sampling import randn
from ..spec import Spec

_LETTERS = set(string.ascii_letters)


def explicit(equation, ndims):
    """(input subscripts, output subscripts) of equation for operands of these ranks, each a
    string of letters: '...' becomes letters unused by the equation (right-aligned, as NumPy
    broadcasts them), and a missing '->' gives the letters used once, sorted, after the ellipsis."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(ndims):
        raise InvalidArgumentError(f"einsum: equation {equation!r} names {len(terms)} operands, got {len(ndims)}")
    bad = set(eq) - _LETTERS - set(".,->")
    if bad:
        raise InvalidArgumentError(f"einsum: equation {equation!r} holds {sorted(bad)}; use letters, ',', '->' and '...'")
    spare = [c for c in string.ascii_letters if c not in eq]
    width = 0
    for term, nd in zip(terms, ndims):
        named = len(term.replace("...", ""))
        if "..." not in term and named != nd:
            raise ShapeError(f"einsum: subscripts {term!r} name {named} dims of an operand with {nd}")
        width = max(width, nd - named if "..." in term else 0)
    ell = "".join(spare[:width])
    out_terms = [t.replace("...", ell[width - (nd - len(t.replace("...", ""))):] if width else "")
                 for t, nd in zip(terms, ndims)]
    if arrow:
        out = rhs.replace("...", ell)
    else:
        flat = "".join(t.replace("...", "") for t in terms)
        out = ell + "".join(sorted(c for c in set(flat) if flat.count(c) == 1))
    for c in out:
        if not any(c in t for t in out_terms):
            raise InvalidArgumentError(f"einsum: output subscript {c!r} of {equation!r} is in no operand")
    return out_terms, out


def _sizes(terms, shapes, equation):
    sizes = {}
    for term, shape in zip(terms, shapes):
        for c, s in zip(term, shape):
            if sizes.get(c, 1) != 1 and s != 1 and sizes[c] != s:
                raise ShapeError(f"einsum: subscript {c!r} of {equation!r} has sizes {sizes[c]} and {s} "
                                 f"(operand shapes {[tuple(x) for x in shapes]})")
            sizes[c] = s if sizes.get(c, 1) == 1 else sizes[c]
    return sizes


def _forward(xp, *operands, equation):
    if xp is np:  # (NumPy contracts through BLAS when told to optimize)
        return xp.einsum(equation, *operands, optimize=len(operands) > 1)
    return xp.einsum(equation, *operands)


def _infer(*specs, equation):
    lhs, out = equation.split("->")
    terms = lhs.split(",")
    sizes = _sizes(terms, [s.shape for s in specs], equation)
    return Spec(tuple(sizes[c] for c in out), specs[0].dtype)


def _backward(ctx, g):
    lhs, out = ctx.attrs["equation"].split("->")
    terms = lhs.split(",")
    inputs = ctx.inputs
    sizes = _sizes(terms, [t.shape for t in inputs], ctx.attrs["equation"])
    grads = []
    for i, (term, x) in enumerate(zip(terms, inputs)):
        if not ctx.needs_input_grad(i):
            grads.append(None)
            continue
        if len(set(term)) != len(term):
            raise UnigradError(f"einsum: no gradient for operand {i} of {ctx.attrs['equation']!r}: its subscripts "
                               f"{term!r} repeat a letter (a diagonal)")
        others = [t for j, t in enumerate(terms) if j != i]
        kept = "".join(c for c in term if c in out or any(c in t for t in others))
        gi = einsum(f"{','.join([out] + others)}->{kept}", g, *[t for j, t in enumerate(inputs) if j != i])
        for c in term:  # letters summed inside this operand alone come back as broadcasts
            if c not in kept:
                gi = F.unsqueeze(gi, -1)
                kept += c
        gi = F.permute(gi, tuple(kept.index(c) for c in term)) if kept != term else gi
        shape = tuple(x.shape)
        full = tuple(sizes[c] for c in term)
        gi = F.broadcast_to(gi, full) if tuple(gi.shape) != full else gi
        grads.append(F.sum_to(gi, shape) if full != shape else gi)
    return tuple(grads)


einsum_op = OpDef(
    name="einsum", forward=_forward, backward=_backward, infer=_infer,
    samples=lambda: [Sample((randn(3, 4), randn(4, 5, seed=1)), {"equation": "ij,jk->ik"}),
                     Sample((randn(2, 3, 4), randn(2, 4, 5, seed=1)), {"equation": "bij,bjk->bik"}),
                     Sample((randn(3, 4), randn(5, seed=1), randn(4, seed=2)), {"equation": "ij,k,j->ik"}),
                     Sample((randn(3, 4),), {"equation": "ij->j"}), Sample((randn(3, 4),), {"equation": "ij->ji"}),
                     Sample((randn(4), randn(4, seed=1)), {"equation": "i,i->"}),
                     Sample((randn(3, 1), randn(3, 4, seed=1)), {"equation": "ij,ij->ij"}, name="broadcast")],
    torch_ref=lambda torch, *xs, equation: torch.einsum(equation, *xs), reference=_forward)


def einsum(equation, *operands):
    """The sum over repeated subscripts of the product of operands, as torch.einsum and
    np.einsum: ``einsum("ij,jk->ik", a, b)`` is a @ b, ``"ii->"`` a trace, ``"bij->bji"`` a
    transpose, ``"...ij,jk"`` broadcasts leading dims; without '->' the output holds the letters
    used once, in order. Operands may also come as one list. Contractions run through BLAS; a
    letter repeated within one operand takes its diagonal first (so it has a gradient too).

    Example::

        >>> a, b = ug.tensor([[1.0, 2.0], [3.0, 4.0]]), ug.tensor([1.0, 10.0])
        >>> ug.einsum("ij,j->i", a, b)
        tensor([21., 43.])
        >>> ug.einsum("ii", a)
        tensor(5.)
        >>> ug.einsum(a, [0, 1], b, [1], [0])  # the sublist form
        tensor([21., 43.])
        >>> ug.einsum("i,j->ij", [b, b])
        tensor([[  1.,  10.],
                [ 10., 100.]])
    """
    if not isinstance(equation, str):  # the sublist form: einsum(a, [0, 1], b, [1, 2], [0, 2])
        equation, operands = _from_sublists((equation,) + tuple(operands))
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise InvalidArgumentError("einsum: needs at least one operand")
    operands = tensor_operands(*operands) if len(operands) > 1 else operands
    terms, out = explicit(equation, [t.ndim for t in operands])
    pairs = [_diagonals(term, x, equation) for term, x in zip(terms, operands)]
    terms, operands = [t for t, _ in pairs], [x for _, x in pairs]
    return dispatch(einsum_op, tuple(operands), {"equation": ",".join(terms) + "->" + out})


def _from_sublists(args):
    """(equation, operands) of torch's sublist form: operands each followed by a list of ints in
    [0, 52) (or Ellipsis), then optionally the output's list."""
    def letters(sublist):
        if not isinstance(sublist, (list, tuple)):
            raise InvalidArgumentError(f"einsum: in the sublist form each operand is followed by a list of its "
                                       f"dims' subscripts, got {type(sublist).__name__}")
        out = []
        for v in sublist:
            if v is Ellipsis:
                out.append("...")
            elif isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 52:
                out.append(string.ascii_letters[v])
            else:
                raise InvalidArgumentError(f"einsum: subscript {v!r} in a sublist must be an int in [0, 52) or ...")
        return "".join(out)
    operands, terms = list(args[0:len(args) - len(args) % 2:2]), [letters(s) for s in args[1::2]]
    equation = ",".join(terms)
    if len(args) % 2:  # an output sublist closes the arguments
        equation += "->" + letters(args[-1])
    return equation, tuple(operands)


def _diagonals(term, x, equation):
    """An operand whose subscripts repeat a letter ("ii", "iij") as its diagonal with the letter
    once (F.diagonal, which has a gradient), so the einsum below sees distinct letters only."""
    while len(set(term)) != len(term):
        c = next(c for c in term if term.count(c) > 1)
        first, second = term.index(c), term.index(c, term.index(c) + 1)
        if x.shape[first] != x.shape[second]:
            raise ShapeError(f"einsum: subscript {c!r} is repeated for operand of {equation!r}, but the sizes "
                             f"{x.shape[first]} and {x.shape[second]} of dims {first} and {second} do not match")
        x = F.diagonal(x, 0, first, second)  # the diagonal comes last
        term = "".join(t for k, t in enumerate(term) if k not in (first, second)) + c
    return term, x


register(einsum_op, public=einsum)
