"""split: a tensor cut into consecutive pieces along one dim, a composite of getitem (views)."""
from ...errors import ShapeError
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim


def split(tensor, split_size_or_sections, dim=0):
    """tensor cut along `dim` into pieces of split_size_or_sections entries each (an int; the
    last piece may be smaller), or of the sizes in a list that sums to the dim's size. A tuple
    of views.

    Example::

        >>> ug.split(ug.arange(5), 2)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
        >>> ug.split(ug.arange(5), [1, 4])
        (tensor([0]), tensor([1, 2, 3, 4]))
    """
    d = normalize_dim("split", dim, tensor._data.ndim)
    size = tensor.shape[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0:
            raise ShapeError(f"split: split size must be positive, got {step}")
        sizes = [min(step, size - s) for s in range(0, size, step)] or [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != size:
            raise ShapeError(f"split: sections {sizes} do not sum to dim {dim} of size {size}")
    out, start = [], 0
    for s in sizes:
        out.append(F.getitem(tensor, (slice(None),) * d + (slice(start, start + s),)))
        start += s
    return tuple(out)


register(OpDef(name="split", impl=split, variants=Variants(methods=("split",)),
               onnx=Onnx(emit=lambda e, tensor, split_size_or_sections, dim=0: e.split_to(tensor, dim, [s for s, _ in e.current_outs])),
               samples=lambda: [Sample((randn(5, 3), 2), {"dim": 0}), Sample((randn(2, 6), [1, 2, 3]), {"dim": 1})],
               torch_ref=lambda torch, x, s, dim=0: torch.split(x, s, dim)))
