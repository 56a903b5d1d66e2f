"""flatten: dims start_dim..end_dim merged into one, a composite of reshape."""
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim
from .reshape import reshape


def flatten(input, start_dim=0, end_dim=-1):
    """input with dims start_dim to end_dim (both included) merged into one; a 0-d input
    becomes shape (1,). A view, as reshape.

    Example::

        >>> ug.flatten(ug.zeros(2, 3, 4), start_dim=1).shape
        unigrad.Size([2, 12])
    """
    shape = tuple(input.shape)
    if not shape:
        return reshape(input, (1,))
    s = normalize_dim("flatten", start_dim, len(shape))
    e = normalize_dim("flatten", end_dim, len(shape))
    n = 1
    for d in shape[s:e + 1]:
        n *= d
    return reshape(input, shape[:s] + (n,) + shape[e + 1:])


register(OpDef(name="flatten", impl=flatten, variants=Variants(methods=("flatten", "ravel"), aliases=("ravel",)),
               onnx=Onnx(emit=lambda e, input, start_dim=0, end_dim=-1: e.flatten_to(input, start_dim, end_dim,
                                                                 e.current_outs[0][0])),
               samples=lambda: [Sample((randn(2, 3, 4),), {"start_dim": 1})],
               torch_ref=lambda torch, x, start_dim=0, end_dim=-1: torch.flatten(x, start_dim, end_dim)))
