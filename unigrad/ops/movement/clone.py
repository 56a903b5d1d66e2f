"""clone: a copy of the input in new memory (the gradient passes through)."""
from ..dispatch import dispatch
from ..registry import Compiled, Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec


def _forward(xp, x):
    return x.copy()


def _backward(ctx, g):
    return (g,)


clone_op = OpDef(
    name="clone", saves_inputs=False, forward=_forward, backward=_backward,
    onnx=Onnx("Identity"),
    compiled=Compiled(fresh=True),
    infer=lambda x: Spec(x.shape, x.dtype),
    variants=Variants(methods=("clone",)),
    samples=lambda: [Sample((randn(3, 4),)), Sample((randn(4, 3).T,))],
    torch_ref=lambda torch, x: x.clone(), reference=lambda np, x: x.copy())


def clone(input, memory_format=None):
    """A copy of input in new (contiguous) memory; differentiable, the gradient passing through.
    memory_format is accepted for PyTorch compatibility and ignored.

    Example::

        >>> x = ug.tensor([1.0, 2.0])
        >>> y = x.clone()
        >>> y[0] = 5.0
        >>> x, y
        (tensor([1., 2.]), tensor([5., 2.]))
    """
    return dispatch(clone_op, (input,), {})


register(clone_op, public=clone)
