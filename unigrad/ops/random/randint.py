"""randint and randint_like: integers drawn uniformly from [low, high)."""
from ...backend import dtypes as _dt
from ...errors import InvalidArgumentError
from ..dispatch import dispatch
from ..factory.common import device_and_dtype, like, size_of, torch_dtype
from ..registry import OpDef, Sample, register
from ..sampling import randn
from ..spec import Spec
from .common import checked, replay, seeded, stream


def _forward(xp, low, high, size, dtype, device, generator):
    return stream(device, generator).integers(low, high, size=size).astype(dtype.np, copy=False)


randint_op = OpDef(
    name="randint", forward=_forward, diff_outputs=(), random=True, device_attr="device",
    infer=lambda low, high, size, dtype=None, device=None, generator=None: Spec(tuple(size), dtype or _dt.int64),
    samples=lambda: [Sample((), {"low": 0, "high": 10, "size": (3000,), "generator": seeded(5)}, grad=False),
                     Sample((), {"low": -3, "high": 4, "size": (40, 40), "dtype": _dt.int32, "generator": seeded(6)},
                            grad=False)],
    torch_ref=lambda torch, low, high, size, dtype=None, generator=None: torch.randint(
        low, high, size, dtype=torch_dtype(torch, dtype or _dt.int64)),
    reference=lambda np, low, high, size, dtype=None, generator=None: replay(generator).integers(low, high, size=size))


def randint(low=0, high=None, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Integers drawn uniformly from [low, high) (``randint(high, size)`` or ``randint(low, high, size)``).

    Args:
        low, high: the range; high is excluded.
        size: the shape, a tuple of ints.
        generator: the ug.Generator to draw from (default: the device's).
        dtype, device: of the result (default int64, 'cpu').

    Example::

        >>> x = ug.randint(0, 10, (2, 5))
        >>> bool(((x >= 0) & (x < 10)).all()), x.dtype
        (True, unigrad.int64)
    """
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    if high is None or size is None:
        raise InvalidArgumentError("randint: give high and size, as randint(high, size) or randint(low, high, size)")
    if high <= low:
        raise InvalidArgumentError(f"randint: the range [{low}, {high}) is empty")
    if requires_grad:
        raise InvalidArgumentError("randint: integer tensors cannot require gradients")
    device, dtype = device_and_dtype(device, dtype, _dt.int64)
    return dispatch(randint_op, (), {"low": int(low), "high": int(high), "size": size_of((size,), "randint"),
                                     "dtype": dtype, "device": device, "generator": checked(generator, device)})


def randint_like(input, low=0, high=None, dtype=None, device=None, generator=None):
    """Integers from [low, high) of input's shape (``randint_like(x, high)`` or ``(x, low, high)``)."""
    if high is None:
        low, high = 0, low
    dtype, device = like(input, dtype, device, "randint_like")
    return randint(low, high, tuple(input.shape), generator=generator, dtype=dtype, device=device)


register(randint_op, public=randint)
register(OpDef(name="randint_like", impl=randint_like, random=True,
               samples=lambda: [Sample((randn(3000), 5), grad=False)],
               torch_ref=lambda torch, x, high: torch.randint_like(x, high)))
