"""isin: whether each element is among a set of test values (torch.isin), as a broadcast
comparison against the flattened test values and an any()."""
import numpy as np

from ...core.tensor import Tensor, tensor as _tensor
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """A bool tensor of elements' shape: True where the element equals one of test_elements
    (a tensor or a scalar); invert=True gives the opposite. assume_unique is accepted (a hint).

    Example::

        >>> ug.isin(ug.tensor([[1, 2], [3, 4]]), ug.tensor([2, 3]))
        tensor([[False,  True],
                [ True, False]])
    """
    device = (elements if isinstance(elements, Tensor) else test_elements).device
    if not isinstance(elements, Tensor):
        elements = _tensor(elements, device=device)
    tests = test_elements if isinstance(test_elements, Tensor) else _tensor(test_elements, device=device)
    flat = F.reshape(tests, (-1,))
    if flat.shape[0] == 0:
        found = F.zeros(*elements.shape, dtype="bool", device=device)
    else:
        found = F.any(F.eq(F.unsqueeze(elements, -1), flat), -1)
    return F.logical_not(found) if invert else found


def _samples():
    values = np.array([[1.0, 2.0, 3.0], [4.0, 2.0, 0.5]])
    return [Sample((values, np.array([2.0, 0.5])), grad=False),
            Sample((values, np.array([[4.0], [9.0]])), {"invert": True}, grad=False),
            Sample((randn(3), 0.25), grad=False)]


register(OpDef(name="isin", impl=isin, variants=Variants(), samples=_samples,
               torch_ref=lambda torch, e, t, **kw: torch.isin(e, t, **kw)))
