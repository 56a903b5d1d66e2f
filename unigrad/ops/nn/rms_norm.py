"""rms_norm: x divided by the root mean square over its last dims, times a weight (Zhang and
Sennrich's RMSNorm), a composite."""
import numpy as np

from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import positive, randn


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """``x / sqrt(mean(x^2 over the last len(normalized_shape) dims) + eps) * weight``, eps None
    meaning the dtype's machine epsilon, as torch's rms_norm.

    Example::

        >>> ug.nn.functional.rms_norm(ug.tensor([[3.0, 4.0]]), (2,), eps=0.0)
        tensor([[0.8485, 1.1314]])
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[input.ndim - len(shape):]) != shape:
        raise ShapeError(f"rms_norm: input {tuple(input.shape)} does not end with normalized_shape {shape}")
    eps = float(np.finfo(input.dtype.np).eps) if eps is None else eps
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    out = F.mul(input, F.rsqrt(F.add(F.mean(F.mul(input, input), dim=dims, keepdim=True), eps)))
    return F.mul(out, weight) if weight is not None else out


register(OpDef(name="rms_norm", impl=rms_norm, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(3, 4), (4,))), Sample((randn(2, 3, 4), (3, 4), positive(3, 4, seed=1)), {"eps": 1e-5})],
               torch_ref=lambda torch, x, s, w=None, **kw: torch.nn.functional.rms_norm(x, s, w, **kw)))
