"""multinomial: category indices drawn with probabilities proportional to each row's weights."""
import numpy as np

from ...backend import dtypes as _dt
from ...backend.device import get_device
from ...errors import InvalidArgumentError, ShapeError
from ..dispatch import dispatch
from ..registry import OpDef, Sample, Variants, register
from ..spec import Spec
from .common import checked, replay, seeded, stream


def _draw(xp, rng, weights, num_samples, replacement):
    rows = weights.reshape(-1, weights.shape[-1]).astype(xp.float64)
    if replacement:  # inverse CDF: one uniform per draw, searched in the row's cumulative weights
        cdf = xp.cumsum(rows, axis=1)
        u = rng.random((rows.shape[0], num_samples)) * cdf[:, -1:]
        out = xp.stack([xp.searchsorted(cdf[r], u[r], side="right") for r in range(rows.shape[0])])
        out = xp.minimum(out, rows.shape[1] - 1)
    else:  # an exponential race: the k smallest E/w (E ~ Exp(1)) are a weighted draw without replacement
        with np.errstate(divide="ignore"):
            keys = rng.standard_exponential(rows.shape) / rows
        out = xp.argsort(keys, axis=1, kind="stable")[:, :num_samples]
    return out.reshape(weights.shape[:-1] + (num_samples,)).astype(xp.int64)


def _forward(xp, weights, num_samples, replacement, generator):
    return _draw(xp, stream(get_device(weights), generator), weights, num_samples, replacement)


def _infer(weights, num_samples, replacement=False, generator=None):
    if len(weights.shape) not in (1, 2):
        raise ShapeError(f"multinomial: weights must be 1-d or 2-d, got shape {weights.shape}")
    return Spec(weights.shape[:-1] + (num_samples,), _dt.int64)


def _samples():
    w = np.array([1.0, 2.0, 3.0, 0.0, 4.0])
    return [Sample((w,), {"num_samples": 3000, "replacement": True, "generator": seeded(12)}, grad=False),
            Sample((np.tile(w, (400, 1)),), {"num_samples": 3, "replacement": False, "generator": seeded(13)},
                   grad=False)]


def _reference(np_, weights, num_samples, replacement=False, generator=None):
    return _draw(np, replay(generator), weights, num_samples, replacement)


multinomial_op = OpDef(
    name="multinomial", forward=_forward, diff_outputs=(), nondiff_inputs=(0,), random=True, infer=_infer,
    variants=Variants(methods=("multinomial",)), samples=_samples,
    torch_ref=lambda torch, w, num_samples, replacement=False, generator=None: torch.multinomial(
        w, num_samples, replacement), reference=_reference)


def multinomial(input, num_samples, replacement=False, generator=None):
    """``num_samples`` category indices per row of `input` (1-d, or 2-d: one draw set per row),
    category ``j`` drawn with probability ``input[j] / input.sum()``; int64. Weights need not sum
    to 1 but must be non-negative, finite and not all zero. Without replacement a category is
    drawn at most once, so a row needs at least ``num_samples`` non-zero weights.

    Example::

        >>> ug.multinomial(ug.tensor([0.0, 0.0, 1.0, 0.0]), 2, replacement=True)
        tensor([2, 2])
        >>> sorted(ug.multinomial(ug.tensor([1.0, 1.0, 1.0]), 3).tolist())
        [0, 1, 2]
    """
    if not input._dtype.is_floating_point:
        raise InvalidArgumentError(f"multinomial: weights must be floating point, got {input._dtype}")
    if input.ndim not in (1, 2):
        raise ShapeError(f"multinomial: weights must be 1-d or 2-d, got shape {tuple(input.shape)}")
    num_samples = int(num_samples)
    if num_samples <= 0:
        raise InvalidArgumentError(f"multinomial: num_samples must be positive, got {num_samples}")
    if input._device.type != "meta":
        w = input._data
        xp = input._device.xp
        if bool(xp.any(w < 0)) or not bool(xp.all(xp.isfinite(w))):
            raise InvalidArgumentError("multinomial: weights must be non-negative and finite")
        nonzero = (w > 0).sum(axis=-1)
        if bool(xp.any(nonzero == 0)):
            raise InvalidArgumentError("multinomial: a row of weights sums to zero")
        if not replacement and bool(xp.any(nonzero < num_samples)):
            raise InvalidArgumentError(f"multinomial: cannot draw {num_samples} samples without replacement from "
                                       f"{int(nonzero.min())} categories with non-zero weight; pass "
                                       "replacement=True or draw fewer")
    return dispatch(multinomial_op, (input,), {"num_samples": num_samples, "replacement": bool(replacement),
                                               "generator": checked(generator, input._device)})


register(multinomial_op, public=multinomial)
