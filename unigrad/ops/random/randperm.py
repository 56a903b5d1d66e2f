"""randperm: a random permutation of 0 .. n-1."""
from ...backend import dtypes as _dt
from ..dispatch import dispatch
from ..factory.common import device_and_dtype, torch_dtype
from ..registry import OpDef, Sample, register
from ..spec import Spec
from .common import checked, replay, seeded, stream


def _forward(xp, n, dtype, device, generator):
    rng = stream(device, generator)
    if hasattr(rng, "permutation"):
        return rng.permutation(n).astype(dtype.np, copy=False)
    return xp.argsort(rng.random(n)).astype(dtype.np)  # CuPy's Generator has no permutation


randperm_op = OpDef(
    name="randperm", forward=_forward, diff_outputs=(), random=True, device_attr="device",
    infer=lambda n, dtype=None, device=None, generator=None: Spec((n,), dtype or _dt.int64),
    samples=lambda: [Sample((), {"n": 3000, "generator": seeded(7)}, grad=False),
                     Sample((), {"n": 1, "generator": seeded(8)}, grad=False)],
    torch_ref=lambda torch, n, dtype=None, generator=None: torch.randperm(
        n, dtype=torch_dtype(torch, dtype or _dt.int64)),
    reference=lambda np, n, dtype=None, generator=None: replay(generator).permutation(n))


def randperm(n, generator=None, dtype=None, device=None):
    """The integers 0 .. n-1 in random order (int64 unless dtype says otherwise).

    Example::

        >>> sorted(ug.randperm(5).tolist())
        [0, 1, 2, 3, 4]
    """
    device, dtype = device_and_dtype(device, dtype, _dt.int64)
    return dispatch(randperm_op, (), {"n": int(n), "dtype": dtype, "device": device,
                                      "generator": checked(generator, device)})


register(randperm_op, public=randperm)
