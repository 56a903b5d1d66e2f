"""layer_norm: normalisation over the trailing dims of each sample, a composite."""
from ...errors import ShapeError
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import positive, randn


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """``(x - mean) / sqrt(var + eps) * weight + bias`` over the last len(normalized_shape) dims
    (PyTorch's ``layer_norm``; the variance is the biased one).

    Args:
        input: (..., *normalized_shape).
        normalized_shape: an int or a tuple, the trailing shape to normalise over.
        weight, bias: tensors of normalized_shape, or None.
        eps: added to the variance.

    Example::

        >>> ug.layer_norm(ug.tensor([[1.0, 2.0, 3.0], [2.0, 2.0, 5.0]]), 3)
        tensor([[-1.2247,  0.    ,  1.2247],
                [-0.7071, -0.7071,  1.4142]])
        >>> ug.layer_norm(ug.randn(8, 10, 512), (512,)).shape
        unigrad.Size([8, 10, 512])
    """
    normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[input.ndim - len(normalized_shape):]) != normalized_shape:
        raise ShapeError(f"layer_norm: input shape {tuple(input.shape)} does not end with normalized_shape "
                         f"{normalized_shape}")
    axes = tuple(range(input.ndim - len(normalized_shape), input.ndim))
    mean = F.mean(input, dim=axes, keepdim=True)
    centered = F.sub(input, mean)
    var = F.mean(F.mul(centered, centered), dim=axes, keepdim=True)
    out = F.mul(centered, F.rsqrt(F.add(var, eps)))
    if weight is not None:
        out = F.mul(out, weight)
    if bias is not None:
        out = F.add(out, bias)
    return out


register(OpDef(name="layer_norm", impl=layer_norm, variants=Variants(functional=True),
               onnx=Onnx(emit=lambda e, **a: e.layer_norm(**a), opset=17),
               samples=lambda: [Sample((randn(3, 4, 5), (5,), positive(5, seed=1), randn(5, seed=2))),
                                Sample((randn(2, 3, 4), (3, 4)))],
               torch_ref=lambda torch, x, shape, w=None, b=None: torch.nn.functional.layer_norm(x, shape, w, b)))
