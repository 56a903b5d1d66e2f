"""linspace: `steps` evenly spaced values from start to end, both included."""
from ...backend import dtypes as _dt
from ..dispatch import dispatch
from ..registry import OpDef, Sample, register
from ..spec import Spec
from .common import device_and_dtype, made

linspace_op = OpDef(
    name="linspace",
    forward=lambda xp, start, end, steps, dtype, device: xp.linspace(start, end, steps, dtype=dtype.np),
    diff_outputs=(), infer=lambda start, end, steps, dtype=None, device=None: Spec(
        (steps,), dtype or _dt.get_default_dtype()), device_attr="device",
    samples=lambda: [Sample((), {"start": 0.0, "end": 1.0, "steps": 5}, grad=False),
                     Sample((), {"start": -2, "end": 3, "steps": 1}, grad=False)],
    torch_ref=lambda torch, start, end, steps: torch.linspace(start, end, steps),
    reference=lambda np, start, end, steps: np.linspace(start, end, steps))


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """`steps` values evenly spaced from `start` to `end` inclusive, in dtype (default float).

    Example::

        >>> ug.linspace(0, 1, 5)
        tensor([0.  , 0.25, 0.5 , 0.75, 1.  ])
    """
    device, dtype = device_and_dtype(device, dtype)
    out = dispatch(linspace_op, (), {"start": start, "end": end, "steps": int(steps), "dtype": dtype,
                                     "device": device})
    return made(out, requires_grad)


register(linspace_op, public=linspace)
