"""t: the transpose of a matrix (at most 2 dims), a composite of transpose."""
from ...errors import ShapeError
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from .transpose import transpose


def t(input):
    """The transpose of a 2-d input, a view; 0-d and 1-d inputs come back as they are. More
    than 2 dims raise ShapeError (use transpose or permute).

    Example::

        >>> ug.t(ug.arange(6).reshape(2, 3))
        tensor([[0, 3],
                [1, 4],
                [2, 5]])
    """
    if input._data.ndim > 2:
        raise ShapeError(f"t() expects a tensor with <= 2 dims, got shape {tuple(input.shape)}")
    return transpose(input, 0, 1) if input._data.ndim == 2 else input


register(OpDef(name="t", impl=t, variants=Variants(methods=("t",)),
               onnx=Onnx(emit=lambda e, input: e.transpose_dims(input, 0, 1)),
               samples=lambda: [Sample((randn(3, 4),)), Sample((randn(5),))],
               torch_ref=lambda torch, x: x.t()))
