"""floor, ceil, trunc, round: rounding to integral values, elementwise (no gradient).

Four ops that differ only in the NumPy function they apply, so they are made by one maker."""
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import away_from
from .binary import NO_ATTRS
from .unary import same_infer


def _samples():
    return [Sample((away_from(3, 4, points=(-1.0, 0.0, 1.0, 2.0, -2.0)) * 1.3,), grad=False)]


def _rounding_op(name, what, example, onnx=None, alias=None):
    def forward(xp, x):
        return getattr(xp, name)(x)

    names = (name,) + ((alias,) if alias else ())
    op = OpDef(name=name, forward=forward, diff_outputs=(), infer=same_infer, onnx=onnx,
               variants=Variants(methods=names, inplace=tuple(n + "_" for n in names), aliases=names[1:]),
               samples=_samples, torch_ref=lambda torch, x: getattr(torch, name)(x), reference=forward)

    def public(input):
        return dispatch(op, (input,), NO_ATTRS)
    public.__name__ = public.__qualname__ = name
    public.__doc__ = f"""{what}, elementwise, in input's dtype.

    Example::

        >>> ug.{name}(ug.tensor([-1.5, 0.5, 2.7]))
        {example}
    """
    register(op, public=public)
    return public


floor = _rounding_op("floor", "The largest integer not above each element", "tensor([-2.,  0.,  2.])",
                     Onnx("Floor"))
ceil = _rounding_op("ceil", "The smallest integer not below each element", "tensor([-1.,  1.,  3.])",
                    Onnx("Ceil"))
trunc = _rounding_op("trunc", "Each element with its fraction dropped (rounded towards zero)",
                     "tensor([-1.,  0.,  2.])", Onnx(emit=lambda e, x: e.trunc(x)), alias="fix")
round = _rounding_op("round", "Each element rounded to the nearest integer, halves to even",
                     "tensor([-2.,  0.,  3.])", Onnx("Round"))
