"""chunk: a tensor cut into a number of near-equal pieces along one dim, a composite of split."""
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim
from .split import split


def chunk(input, chunks, dim=0):
    """input cut along `dim` into at most `chunks` pieces of ceil(size / chunks) entries (the
    last may be smaller, and there may be fewer pieces), as in PyTorch. A tuple of views.

    Example::

        >>> ug.chunk(ug.arange(5), 3)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
    """
    size = input.shape[normalize_dim("chunk", dim, input._data.ndim)]
    step = -(-size // chunks)
    return split(input, step, dim)


register(OpDef(name="chunk", impl=chunk, variants=Variants(methods=("chunk",)),
               onnx=Onnx(emit=lambda e, input, chunks, dim=0: e.split_to(input, dim, [s for s, _ in e.current_outs])),
               samples=lambda: [Sample((randn(5, 3), 3), {"dim": 0})],
               torch_ref=lambda torch, x, chunks, dim=0: torch.chunk(x, chunks, dim)))
