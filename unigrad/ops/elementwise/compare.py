"""eq, ne, lt, le, gt, ge: elementwise comparisons with broadcasting, giving bool (no gradient).

Six ops that differ only in the comparison they make, so they are made by one maker."""
import operator

from ...backend import dtypes as _dt
from ..dispatch import dispatch
from ..operands import tensor_operands
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, broadcast_shapes_of
from .binary import NO_ATTRS


def _samples():
    a = randn(3, 4)
    b = randn(3, 4, seed=1)
    b[0, 0] = a[0, 0]  # include a tie
    return [Sample((a, b), grad=False), Sample((randn(2, 1, 3), randn(4, 1, seed=2)), grad=False)]


def _comparison(name, compare, operator_name, meaning, example, onnx=None, alias=None):
    def forward(xp, a, b):
        return compare(a, b)

    op = OpDef(name=name, forward=forward, diff_outputs=(), onnx=onnx,
               infer=lambda a, b: Spec(broadcast_shapes_of(name, a, b), _dt.bool_),
               variants=Variants(methods=(name,) + ((alias,) if alias else ()), operators=(operator_name,),
                                 aliases=(alias,) if alias else ()),
               samples=_samples, torch_ref=lambda torch, a, b: getattr(torch, name)(a, b), reference=forward)

    def public(input, other):
        return dispatch(op, tensor_operands(input, other), NO_ATTRS)
    public.__name__ = public.__qualname__ = name
    public.__doc__ = f"""Whether input {meaning} other, elementwise with broadcasting: a bool tensor.

    Example::

        >>> ug.{name}(ug.tensor([1.0, 2.0, 3.0]), 2.0)
        {example}
    """
    register(op, public=public)
    return public


eq = _comparison("eq", operator.eq, "__eq__", "equals", "tensor([False,  True, False])", Onnx("Equal"))
ne = _comparison("ne", operator.ne, "__ne__", "differs from", "tensor([ True, False,  True])",
                 Onnx(emit=lambda e, a, b: e.node("Not", [e.node("Equal", [a, b])])), alias="not_equal")
lt = _comparison("lt", operator.lt, "__lt__", "is less than", "tensor([ True, False, False])", Onnx("Less"), alias="less")
le = _comparison("le", operator.le, "__le__", "is at most", "tensor([ True,  True, False])",
                 Onnx("LessOrEqual", opset=12), alias="less_equal")
gt = _comparison("gt", operator.gt, "__gt__", "is greater than", "tensor([False, False,  True])",
                 Onnx("Greater"), alias="greater")
ge = _comparison("ge", operator.ge, "__ge__", "is at least", "tensor([False,  True,  True])",
                 Onnx("GreaterOrEqual", opset=12), alias="greater_equal")
