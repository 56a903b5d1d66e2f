"""pad: a tensor widened (or cropped, for negative widths) with a constant along its last dims."""
from ...errors import ShapeError
from .. import api as F
from ..dispatch import dispatch
from ..registry import Compiled, Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec


def _widths(ndim, pad):
    if len(pad) % 2 or len(pad) // 2 > ndim:
        raise ShapeError(f"op 'pad': pad {tuple(pad)} must have an even length of at most 2*{ndim}")
    widths = [(0, 0)] * ndim
    for i in range(len(pad) // 2):
        widths[ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return widths


def _forward(xp, x, pad, value=0.0):
    widths = _widths(x.ndim, pad)
    if any(a < 0 or b < 0 for a, b in widths):
        crop = tuple(slice(max(-a, 0), s - max(-b, 0)) for (a, b), s in zip(widths, x.shape))
        x = x[crop]
        widths = [(max(a, 0), max(b, 0)) for a, b in widths]
    return xp.pad(x, widths, mode="constant", constant_values=value)


def _backward(ctx, g):
    return (F.pad(g, [-p for p in ctx.attrs["pad"]]),)


def _infer(x, pad, value=0.0):
    widths = _widths(len(x.shape), pad)
    return Spec(tuple(s + a + b for s, (a, b) in zip(x.shape, widths)), x.dtype)


pad_op = OpDef(
    name="pad", saves_inputs=False, forward=_forward, backward=_backward, infer=_infer, compiled=Compiled(fresh=True),
    onnx=Onnx(emit=lambda e, x, pad, value=0.0: e.torch_pad(x, pad, value)),
    variants=Variants(functional=True),
    samples=lambda: [Sample((randn(2, 3),), {"pad": (1, 2)}),
                     Sample((randn(2, 3, 4),), {"pad": (1, 0, 2, 1), "value": 1.5}),
                     Sample((randn(3, 5),), {"pad": (-1, 1)})],
    torch_ref=lambda torch, x, pad, value=0.0: torch.nn.functional.pad(x, pad, value=value),
    reference=_forward)


def pad(input, pad, mode="constant", value=None):
    """input padded with `value` (0 when None): ``pad = (left, right)`` widens the last dim,
    ``(left, right, top, bottom)`` the last two, and so on, as torch.nn.functional.pad; negative
    widths crop. mode "reflect", "replicate" or "circular" pads with input's own values instead.

    Example::

        >>> ug.nn.functional.pad(ug.ones(1, 2), (1, 2), value=7.0)
        tensor([[7., 1., 1., 7., 7.]])
    """
    if mode != "constant":
        from .pad_modes import pad_modes  # 'reflect', 'replicate', 'circular': copies of input's own values
        return pad_modes(input, pad, mode)
    attrs = {"pad": tuple(int(p) for p in pad)}
    if value:
        attrs["value"] = float(value)
    return dispatch(pad_op, (input,), attrs)


register(pad_op, public=pad)
