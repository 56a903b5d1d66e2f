"""rand and rand_like: uniform draws from [0, 1)."""
from ...backend import dtypes as _dt
from ..dispatch import dispatch
from ..factory.common import device_and_dtype, like, made, size_of, torch_dtype
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from .common import checked, floats, replay, seeded, stream


def _forward(xp, size, dtype, device, generator):
    return floats(stream(device, generator), "random", size, dtype)


def uniform_(self, a=0.0, b=1.0, generator=None):
    """What self.uniform_(a, b) writes: uniform draws from [a, b) in self's shape, dtype, device."""
    draws = rand(*self.shape, generator=generator, dtype=self.dtype, device=self.device)
    return F.add(F.mul(draws, b - a), a).detach()


rand_op = OpDef(
    name="rand", forward=_forward, variants=Variants(inplace={"uniform_": uniform_}),
    diff_outputs=(), random=True, device_attr="device",
    infer=lambda size, dtype=None, device=None, generator=None: Spec(tuple(size), dtype or _dt.get_default_dtype()),
    samples=lambda: [Sample(((2000,),), {"dtype": _dt.float64, "generator": seeded(1)}, grad=False),
                     Sample(((40, 50),), {"generator": seeded(2)}, grad=False)],
    torch_ref=lambda torch, size, dtype=None, generator=None: torch.rand(
        size, dtype=torch_dtype(torch, dtype or _dt.get_default_dtype())),
    reference=lambda np, size, dtype=None, generator=None: replay(generator).random(
        size, dtype=(dtype or _dt.get_default_dtype()).np))


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform random numbers from [0, 1) of shape `size`.

    Args:
        size: the shape (``rand(2, 3)`` or ``rand((2, 3))``).
        generator: the ug.Generator to draw from (default: the device's, seeded by ug.manual_seed).
        dtype, device: of the result (default float, 'cpu').
        requires_grad: make the result a leaf that records gradients.

    Example::

        >>> g = ug.Generator().manual_seed(0)
        >>> ug.rand(3, generator=g)
        tensor([0.8506, 0.637 , 0.5111])
    """
    device, dtype = device_and_dtype(device, dtype)
    out = dispatch(rand_op, (), {"size": size_of(size, "rand"), "dtype": dtype, "device": device,
                                 "generator": checked(generator, device)})
    return made(out, requires_grad)


def rand_like(input, dtype=None, device=None, requires_grad=False, generator=None):
    """Uniform [0, 1) draws of input's shape, dtype and device (unless given)."""
    dtype, device = like(input, dtype, device, "rand_like")
    return rand(tuple(input.shape), generator=generator, dtype=dtype, device=device, requires_grad=requires_grad)


register(rand_op, public=rand)
register(OpDef(name="rand_like", impl=rand_like, random=True, samples=lambda: [Sample((randn(3000),), grad=False)],
               torch_ref=lambda torch, x: torch.rand_like(x)))
