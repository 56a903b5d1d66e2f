"""randn and randn_like: draws from the standard normal distribution."""
from ...backend import dtypes as _dt
from ..dispatch import dispatch
from ..factory.common import device_and_dtype, like, made, size_of, torch_dtype
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn as sample_randn
from ..spec import Spec
from .common import checked, floats, replay, seeded, stream


def _forward(xp, size, dtype, device, generator):
    return floats(stream(device, generator), "standard_normal", size, dtype)


def normal_(self, mean=0.0, std=1.0, generator=None):
    """What self.normal_(mean, std) writes: normal draws in self's shape, dtype and device."""
    draws = randn(*self.shape, generator=generator, dtype=self.dtype, device=self.device)
    return F.add(F.mul(draws, std), mean).detach()


randn_op = OpDef(
    name="randn", forward=_forward, variants=Variants(inplace={"normal_": normal_}),
    diff_outputs=(), random=True, device_attr="device",
    infer=lambda size, dtype=None, device=None, generator=None: Spec(tuple(size), dtype or _dt.get_default_dtype()),
    samples=lambda: [Sample(((3000,),), {"dtype": _dt.float64, "generator": seeded(3)}, grad=False),
                     Sample(((50, 60),), {"generator": seeded(4)}, grad=False)],
    torch_ref=lambda torch, size, dtype=None, generator=None: torch.randn(
        size, dtype=torch_dtype(torch, dtype or _dt.get_default_dtype())),
    reference=lambda np, size, dtype=None, generator=None: replay(generator).standard_normal(
        size, dtype=(dtype or _dt.get_default_dtype()).np))


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal random numbers (mean 0, variance 1) of shape `size`.

    Args:
        size: the shape (``randn(2, 3)`` or ``randn((2, 3))``).
        generator: the ug.Generator to draw from (default: the device's, seeded by ug.manual_seed).
        dtype, device: of the result (default float, 'cpu').
        requires_grad: make the result a leaf that records gradients.

    Example::

        >>> x = ug.randn(1000, 3)
        >>> x.shape
        unigrad.Size([1000, 3])
    """
    device, dtype = device_and_dtype(device, dtype)
    out = dispatch(randn_op, (), {"size": size_of(size, "randn"), "dtype": dtype, "device": device,
                                  "generator": checked(generator, device)})
    return made(out, requires_grad)


def randn_like(input, dtype=None, device=None, requires_grad=False, generator=None):
    """Standard normal draws of input's shape, dtype and device (unless given)."""
    dtype, device = like(input, dtype, device, "randn_like")
    return randn(tuple(input.shape), generator=generator, dtype=dtype, device=device, requires_grad=requires_grad)


register(randn_op, public=randn)
register(OpDef(name="randn_like", impl=randn_like, random=True,
               samples=lambda: [Sample((sample_randn(3000),), grad=False)],
               torch_ref=lambda torch, x: torch.randn_like(x)))
