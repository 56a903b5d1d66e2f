"""adaptive_avg_pool2d: average pooling to a given output size (avg_pool2d when the sizes
divide, else a mean per PyTorch's window bounds)."""
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from .common import adaptive_windows, batched, pair


def _adaptive_avg_pool2d(input, output_size):
    h, w = input.shape[-2:]
    oh, ow = pair(output_size, "output_size")
    oh, ow = oh or h, ow or w
    if h % oh == 0 and w % ow == 0:
        return F.avg_pool2d(input, (h // oh, w // ow))
    cols = []
    for y0, y1 in adaptive_windows(h, oh):
        row = [F.mean(F.getitem(input, (Ellipsis, slice(y0, y1), slice(x0, x1))), dim=(-2, -1))
               for x0, x1 in adaptive_windows(w, ow)]
        cols.append(F.stack(row, -1))
    return F.stack(cols, -2)


def adaptive_avg_pool2d(input, output_size):
    """2-D average pooling to an output of `output_size` (PyTorch's ``adaptive_avg_pool2d``):
    output cell (i, j) averages rows floor(i * H / OH) up to (not including) ceil((i + 1) * H / OH)
    and likewise columns, so windows may overlap when the sizes do not divide.

    Args:
        input: (N, C, H, W) or (C, H, W).
        output_size: an int or an (OH, OW) pair; None in the pair keeps that input size.

    Example::

        >>> ug.adaptive_avg_pool2d(ug.arange(15.0).reshape(1, 1, 3, 5), (2, 3))
        tensor([[[[ 3. ,  4.5,  6. ],
                  [ 8. ,  9.5, 11. ]]]])
        >>> ug.adaptive_avg_pool2d(ug.randn(8, 512, 7, 7), 1).shape
        unigrad.Size([8, 512, 1, 1])
    """
    return batched(_adaptive_avg_pool2d, input, output_size)


register(OpDef(name="adaptive_avg_pool2d", impl=adaptive_avg_pool2d, variants=Variants(functional=True),
               onnx=Onnx(emit=lambda e, **a: e.adaptive_avg_pool(**a)),
               samples=lambda: [Sample((randn(2, 3, 6, 6),), {"output_size": 3}),
                                Sample((randn(1, 2, 7, 5),), {"output_size": (3, 2)})],
               torch_ref=lambda torch, x, output_size: torch.nn.functional.adaptive_avg_pool2d(x, output_size)))
