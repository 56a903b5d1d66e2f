"""local_response_norm: AlexNet's normalisation across neighbouring channels, over avg_pool2d."""
from ...errors import ShapeError
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """x / (k + alpha * mean of x^2 over `size` neighbouring channels) ** beta, as in PyTorch.

    The window over channels is zero-padded: size // 2 channels before, (size - 1) // 2 after.

    Args:
        input: (N, C, ...), at least 3 dims.
        size: how many neighbouring channels each mean covers.
        alpha, beta, k: the scale, exponent and offset of the formula above.

    Example::

        >>> ug.local_response_norm(ug.ones(1, 4, 1, 1), size=2, alpha=1.0).flatten()
        tensor([0.7378, 0.5946, 0.5946, 0.5946])
        >>> ug.local_response_norm(ug.randn(2, 96, 55, 55), size=5).shape
        unigrad.Size([2, 96, 55, 55])
    """
    if input.ndim < 3:
        raise ShapeError(f"local_response_norm: expected at least 3 dims (N, C, ...), got {tuple(input.shape)}")
    n, c = input.shape[:2]
    sq = F.reshape(F.mul(input, input), (n, 1, c, -1))
    padded = F.pad(sq, (0, 0, size // 2, (size - 1) // 2))
    avg = F.reshape(F.avg_pool2d(padded, (size, 1), stride=1), tuple(input.shape))
    return F.div(input, F.pow(F.add(F.mul(avg, alpha), k), beta))


register(OpDef(name="local_response_norm", impl=local_response_norm, variants=Variants(functional=True),
               onnx=Onnx(emit=lambda e, **a: e.local_response_norm(**a)),
               samples=lambda: [Sample((randn(2, 6, 3, 3),), {"size": 3}),
                                Sample((randn(1, 5, 4, 4),), {"size": 4, "alpha": 0.01, "beta": 0.5, "k": 2.0})],
               torch_ref=lambda torch, x, **kw: torch.nn.functional.local_response_norm(x, **kw)))
