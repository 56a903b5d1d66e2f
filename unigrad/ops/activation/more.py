"""The remaining torch.nn.functional activations, each a composite of registered ops: logsigmoid,
hardsigmoid, mish, selu, celu, softsign, tanhshrink, threshold, hardshrink, softshrink, softmin,
glu. (One file: each is one line of math.)"""
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import away_from, randn
from ..spec import normalize_dim

_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def logsigmoid(input):
    """``log(sigmoid(x)) = -softplus(-x)``, without overflow (torch's logsigmoid).

    Example::

        >>> ug.nn.functional.logsigmoid(ug.tensor([0.0, -100.0]))
        tensor([  -0.6931, -100.    ])
    """
    return F.neg(F.softplus(F.neg(input)))


def hardsigmoid(input, inplace=False):
    """``clamp(x / 6 + 1/2, 0, 1)``, MobileNetV3's cheap sigmoid (torch's hardsigmoid).

    Example::

        >>> ug.nn.functional.hardsigmoid(ug.tensor([-4.0, 0.0, 1.5, 4.0]))
        tensor([0.  , 0.5 , 0.75, 1.  ])
    """
    return F.clamp(F.add(F.div(input, 6.0), 0.5), 0.0, 1.0)


def mish(input, inplace=False):
    """``x * tanh(softplus(x))`` (Misra's Mish, torch's mish).

    Example::

        >>> ug.nn.functional.mish(ug.tensor([0.0, 1.0]))
        tensor([0.    , 0.8651])
    """
    return F.mul(input, F.tanh(F.softplus(input)))


def selu(input, inplace=False):
    """``scale * (x if x > 0 else alpha * (exp(x) - 1))`` with the self-normalising constants of
    Klambauer et al. (torch's selu).

    Example::

        >>> ug.nn.functional.selu(ug.tensor([-1.0, 1.0]))
        tensor([-1.1113,  1.0507])
    """
    return F.mul(F.where(F.gt(input, 0.0), input, F.mul(F.expm1(input), _SELU_ALPHA)), _SELU_SCALE)


def celu(input, alpha=1.0, inplace=False):
    """``x if x > 0 else alpha * (exp(x / alpha) - 1)`` (torch's celu).

    Example::

        >>> ug.nn.functional.celu(ug.tensor([-1.0, 2.0]), alpha=2.0)
        tensor([-0.7869,  2.    ])
    """
    return F.where(F.gt(input, 0.0), input, F.mul(F.expm1(F.div(input, alpha)), alpha))


def softsign(input):
    """``x / (1 + |x|)`` (torch's softsign).

    Example::

        >>> ug.nn.functional.softsign(ug.tensor([-3.0, 1.0]))
        tensor([-0.75,  0.5 ])
    """
    return F.div(input, F.add(F.abs(input), 1.0))


def tanhshrink(input):
    """``x - tanh(x)`` (torch's tanhshrink).

    Example::

        >>> ug.nn.functional.tanhshrink(ug.tensor([0.0, 1.0]))
        tensor([0.    , 0.2384])
    """
    return F.sub(input, F.tanh(input))


def threshold(input, threshold, value, inplace=False):
    """x where x > threshold, else value (torch's threshold).

    Example::

        >>> ug.nn.functional.threshold(ug.tensor([0.5, 2.0]), 1.0, -1.0)
        tensor([-1.,  2.])
    """
    return F.where(F.gt(input, threshold), input, F.full_like(input, value))


def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, else 0 (torch's hardshrink).

    Example::

        >>> ug.nn.functional.hardshrink(ug.tensor([-1.0, 0.2, 0.7]))
        tensor([-1. ,  0. ,  0.7])
    """
    return F.where(F.gt(F.abs(input), lambd), input, F.zeros_like(input))


def softshrink(input, lambd=0.5):
    """x - lambd above lambd, x + lambd below -lambd, 0 between (torch's softshrink).

    Example::

        >>> ug.nn.functional.softshrink(ug.tensor([-1.0, 0.2, 0.7]))
        tensor([-0.5,  0. ,  0.2])
    """
    return F.where(F.gt(input, lambd), F.sub(input, lambd),
                   F.where(F.lt(input, -lambd), F.add(input, lambd), F.zeros_like(input)))


def softmin(input, dim=None, dtype=None):
    """``softmax(-input, dim)`` (torch's softmin).

    Example::

        >>> ug.nn.functional.softmin(ug.tensor([0.0, 0.0]), dim=0)
        tensor([0.5, 0.5])
    """
    return F.softmax(F.neg(input if dtype is None else F.to_dtype(input, dtype)), dim)


def glu(input, dim=-1):
    """The gated linear unit: input's halves a, b along dim give ``a * sigmoid(b)`` (torch's glu).

    Example::

        >>> ug.nn.functional.glu(ug.tensor([2.0, 0.0]))
        tensor([1.])
    """
    d = normalize_dim("glu", dim, input.ndim)
    if input.shape[d] % 2:
        raise ShapeError(f"glu: dim {d} must have an even size, got shape {tuple(input.shape)}")
    a, b = F.chunk(input, 2, d)
    return F.mul(a, F.sigmoid(b))


def _reg(name, fn, samples, torch_ref):
    register(OpDef(name=name, impl=fn, variants=Variants(functional=True), samples=samples, torch_ref=torch_ref))


_reg("logsigmoid", logsigmoid, lambda: [Sample((randn(3, 4) * 5,))], lambda torch, x: torch.nn.functional.logsigmoid(x))
_reg("hardsigmoid", hardsigmoid, lambda: [Sample((away_from(3, 4, points=(-3.0, 3.0)) * 3,))],
     lambda torch, x: torch.nn.functional.hardsigmoid(x))
_reg("mish", mish, lambda: [Sample((randn(3, 4) * 3,))], lambda torch, x: torch.nn.functional.mish(x))
_reg("selu", selu, lambda: [Sample((away_from(3, 4),))], lambda torch, x: torch.nn.functional.selu(x))
_reg("celu", celu, lambda: [Sample((away_from(3, 4),)), Sample((away_from(5),), {"alpha": 0.5})],
     lambda torch, x, alpha=1.0: torch.nn.functional.celu(x, alpha))
_reg("softsign", softsign, lambda: [Sample((away_from(3, 4) * 3,))], lambda torch, x: torch.nn.functional.softsign(x))
_reg("tanhshrink", tanhshrink, lambda: [Sample((randn(3, 4),))], lambda torch, x: torch.nn.functional.tanhshrink(x))
_reg("threshold", threshold, lambda: [Sample((away_from(3, 4, points=(0.1,)), 0.1, -2.0))],
     lambda torch, x, t, v: torch.nn.functional.threshold(x, t, v))
_reg("hardshrink", hardshrink, lambda: [Sample((away_from(3, 4, points=(-0.5, 0.5)),)),
                                        Sample((away_from(5, points=(-0.2, 0.2)),), {"lambd": 0.2})],
     lambda torch, x, lambd=0.5: torch.nn.functional.hardshrink(x, lambd))
_reg("softshrink", softshrink, lambda: [Sample((away_from(3, 4, points=(-0.5, 0.5)),))],
     lambda torch, x, lambd=0.5: torch.nn.functional.softshrink(x, lambd))
_reg("softmin", softmin, lambda: [Sample((randn(3, 4),), {"dim": 1}), Sample((randn(2, 3, 2),), {"dim": 0})],
     lambda torch, x, dim=None: torch.nn.functional.softmin(x, dim))
_reg("glu", glu, lambda: [Sample((randn(3, 4),)), Sample((randn(4, 3),), {"dim": 0})],
     lambda torch, x, dim=-1: torch.nn.functional.glu(x, dim))
