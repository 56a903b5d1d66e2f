"""dropout: the input times a random keep-mask, scaled by 1 / (1 - p), a composite over bernoulli."""
from ...errors import InvalidArgumentError
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn


def dropout(input, p=0.5, training=True, inplace=False):
    """Each element zeroed with probability p and the rest scaled by 1 / (1 - p), so the expected
    value is unchanged (PyTorch's ``dropout``); the input itself when not training or p is 0.

    The mask is drawn with ``ug.bernoulli`` from the default generator (``ug.manual_seed`` makes
    it repeatable). inplace is accepted for PyTorch's signature; the result is a new tensor.

    Args:
        input: a floating tensor.
        p: the probability of zeroing an element, in [0, 1].
        training: apply dropout (False: return input unchanged).

    Example::

        >>> _ = ug.manual_seed(0)
        >>> ug.dropout(ug.ones(2, 4), p=0.5)
        tensor([[0., 0., 0., 2.],
                [2., 2., 2., 2.]])
        >>> ug.dropout(ug.ones(2, 4), p=0.5, training=False)
        tensor([[1., 1., 1., 1.],
                [1., 1., 1., 1.]])
    """
    if not 0.0 <= p <= 1.0:
        raise InvalidArgumentError(f"dropout probability must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return F.mul(input, 0.0)
    mask = F.bernoulli(input.detach(), p=1.0 - p)  # 1 where an element is kept
    return F.mul(input, F.mul(mask, 1.0 / (1.0 - p)))


register(OpDef(name="dropout", impl=lambda x, p=0.5, training=True: dropout(x, p, training),
               onnx=Onnx(emit=lambda e, **a: e.dropout(**a)),
               variants=Variants(functional=True),
               samples=lambda: [Sample((randn(3, 4),), {"p": 0.5, "training": False}),
                                Sample((randn(3, 4),), {"p": 0.0})],
               torch_ref=lambda torch, x, p=0.5, training=True: torch.nn.functional.dropout(x, p, training)),
         public=dropout)
