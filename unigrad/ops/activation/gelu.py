"""gelu: input * Phi(input), Phi the standard normal CDF (or its tanh approximation), a composite."""
import math

from ...errors import InvalidArgumentError
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn


def gelu(input, approximate="none"):
    """``input * Phi(input)`` with Phi the standard normal CDF, through erf; approximate="tanh"
    uses ``0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))`` instead.

    Example::

        >>> ug.nn.functional.gelu(ug.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.1587,  0.    ,  0.8413])
    """
    if approximate == "tanh":
        inner = F.mul(F.add(input, F.mul(F.mul(F.mul(input, input), input), 0.044715)), math.sqrt(2 / math.pi))
        return F.mul(F.mul(input, 0.5), F.add(F.tanh(inner), 1.0))
    if approximate != "none":
        raise InvalidArgumentError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return F.mul(F.mul(input, 0.5), F.add(F.erf(F.mul(input, 1 / math.sqrt(2))), 1.0))


register(OpDef(name="gelu", impl=gelu, variants=Variants(functional=True),
               onnx=Onnx(emit=lambda e, input, approximate="none": e.node("Gelu", [input], approximate=approximate), opset=20),
               samples=lambda: [Sample((randn(3, 4),)), Sample((randn(5, seed=2),), {"approximate": "tanh"})],
               torch_ref=lambda torch, x, approximate="none": torch.nn.functional.gelu(x, approximate=approximate)))
