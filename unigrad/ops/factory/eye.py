"""eye: the identity matrix (ones on the diagonal)."""
from ...backend import dtypes as _dt
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Sample, register
from ..spec import Spec
from .common import device_and_dtype, made

eye_op = OpDef(
    name="eye", forward=lambda xp, n, m, dtype, device: xp.eye(n, m, dtype=dtype.np), diff_outputs=(),
    onnx=Onnx(emit=lambda e, n, m, dtype, device: e.eye(n, m, dtype)),
    infer=lambda n, m, dtype=None, device=None: Spec((n, m), dtype or _dt.get_default_dtype()), device_attr="device",
    samples=lambda: [Sample((), {"n": 3, "m": 3}, grad=False), Sample((), {"n": 2, "m": 4}, grad=False)],
    torch_ref=lambda torch, n, m: torch.eye(n, m), reference=lambda np, n, m: np.eye(n, m))


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    """An n x m matrix (m defaults to n) with ones on the diagonal and zeros elsewhere.

    Example::

        >>> ug.eye(2)
        tensor([[1., 0.],
                [0., 1.]])
    """
    device, dtype = device_and_dtype(device, dtype)
    out = dispatch(eye_op, (), {"n": int(n), "m": int(n if m is None else m), "dtype": dtype, "device": device})
    return made(out, requires_grad)


register(eye_op, public=eye)
