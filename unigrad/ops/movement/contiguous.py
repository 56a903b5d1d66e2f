"""contiguous: the input in C-contiguous memory, copied only when it is not already."""
from ..dispatch import dispatch
from ..registry import Compiled, Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, same_shape


def _forward(xp, x):
    return xp.ascontiguousarray(x)


def _backward(ctx, g):
    return (g,)


contiguous_op = OpDef(
    name="contiguous", saves_inputs=False, forward=_forward, backward=_backward,
    onnx=Onnx("Identity"),
    compiled=Compiled(may_alias=True, identity=same_shape),  # a contiguous input comes back as it is
    infer=lambda x: Spec(x.shape, x.dtype),
    variants=Variants(methods=("contiguous",)),
    samples=lambda: [Sample((randn(4, 3).T,))],
    torch_ref=lambda torch, x: x.contiguous(), reference=lambda np, x: np.ascontiguousarray(x))


def contiguous(input, memory_format=None):
    """input itself when its memory is C-contiguous (row-major, no strides skipped), else a
    contiguous copy. memory_format is accepted for PyTorch compatibility and ignored.

    Example::

        >>> x = ug.zeros(2, 3)
        >>> x.contiguous() is x, x.T.contiguous() is x.T
        (True, False)
    """
    if input._data.flags.c_contiguous:
        return input
    return dispatch(contiguous_op, (input,), {})


register(contiguous_op, public=contiguous)
