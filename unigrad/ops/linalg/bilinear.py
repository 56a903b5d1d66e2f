"""bilinear: ``x1^T A x2 + b`` for each output feature, a composite of einsum."""
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn


def bilinear(input1, input2, weight, bias=None):
    """``y[..., o] = sum_ij input1[..., i] * weight[o, i, j] * input2[..., j] + bias[o]``, as
    PyTorch's bilinear.

    Example::

        >>> ug.bilinear(ug.tensor([[1.0, 2.0]]), ug.tensor([[3.0]]), ug.ones(4, 2, 1)).shape
        unigrad.Size([1, 4])
    """
    if weight.ndim != 3 or input1.shape[-1] != weight.shape[1] or input2.shape[-1] != weight.shape[2]:
        raise ShapeError(f"bilinear: weight must be (out, in1, in2) = (*, {input1.shape[-1]}, {input2.shape[-1]}), "
                         f"got {tuple(weight.shape)}")
    out = F.einsum("...i,oij,...j->...o", input1, weight, input2)
    return F.add(out, bias) if bias is not None else out


register(OpDef(name="bilinear", impl=bilinear, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(4, 3), randn(4, 2, seed=1), randn(5, 3, 2, seed=2), randn(5, seed=3))),
                                Sample((randn(2, 3, 4), randn(2, 3, 2, seed=1), randn(3, 4, 2, seed=2)))],
               torch_ref=lambda torch, a, b, w, bias=None: torch.nn.functional.bilinear(a, b, w, bias)))
