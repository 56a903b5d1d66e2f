"""repeat: the input tiled along each dim (Tensor.repeat), a composite of reshape and broadcast_to."""
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn


def repeat(input, *sizes):
    """input tiled ``sizes[i]`` times along dim i: sizes given one by one or as one tuple; more
    sizes than input has dims prepend size-1 dims to input first.

    Example::

        >>> ug.tensor([1, 2]).repeat(2, 2)
        tensor([[1, 2, 1, 2],
                [1, 2, 1, 2]])
    """
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    shape = (1,) * (len(sizes) - input.ndim) + tuple(input.shape)
    x = F.reshape(input, shape)
    # (a, b) repeated (r, s): broadcast to (r, a, s, b), then merge pairs
    inter = []
    for r, s in zip(sizes, shape):
        inter.extend((1, s))
    x = F.reshape(x, inter)
    target = []
    for r, s in zip(sizes, shape):
        target.extend((r, s))
    return F.reshape(F.broadcast_to(x, target), tuple(r * s for r, s in zip(sizes, shape)))


register(OpDef(name="repeat", impl=repeat, variants=Variants(methods=("repeat",)),
               onnx=Onnx(emit=lambda e, input, sizes: e.repeat(input, sizes[0] if len(sizes) == 1 and isinstance(sizes[0], (tuple, list))
                                                   else sizes)),
               samples=lambda: [Sample((randn(2, 3), (2, 1, 3)), {})],
               torch_ref=lambda torch, x, sizes: x.repeat(*sizes)))
