"""bernoulli: 0/1 draws, 1 with the probability given per element (or one probability p for all);
dropout's masks are these draws."""
import numpy as np

from ...backend import dtypes as _dt
from ...backend.device import get_device
from ...errors import InvalidArgumentError
from ..dispatch import dispatch
from ..registry import OpDef, Sample, register
from ..spec import Spec
from .common import checked, floats, replay, seeded, stream


def _forward(xp, probs, p, generator):
    dtype = _dt.dtype_of(probs)
    draws = floats(stream(get_device(probs), generator), "random", probs.shape, dtype)
    return (draws < (probs if p is None else dtype.np.type(p))).astype(dtype.np)


def _samples():
    probs = np.random.default_rng(0).uniform(0.1, 0.9, size=(3000,))
    return [Sample((probs,), {"generator": seeded(9)}, grad=False),
            Sample((np.zeros((40, 50)),), {"p": 0.3, "generator": seeded(10)}, grad=False)]


def _reference(np_, probs, p=None, generator=None):
    return (replay(generator).random(probs.shape) < (probs if p is None else p)).astype(probs.dtype)


bernoulli_op = OpDef(
    name="bernoulli", forward=_forward, diff_outputs=(), nondiff_inputs=(0,), random=True,
    infer=lambda probs, p=None, generator=None: Spec(probs.shape, probs.dtype), samples=_samples,
    torch_ref=lambda torch, probs, p=None, generator=None: torch.bernoulli(probs) if p is None else
    torch.bernoulli(probs, p), reference=_reference)


def bernoulli(input, p=None, generator=None):
    """0/1 draws of input's shape: element i is 1 with probability input[i] (or with probability p
    for every element when p is given).

    Example::

        >>> mask = ug.bernoulli(ug.full((1000,), 0.25))
        >>> 0.15 < float(mask.mean()) < 0.35
        True
    """
    if not input._dtype.is_floating_point:
        raise InvalidArgumentError(f"bernoulli: probabilities must be floating point, got {input._dtype}")
    if p is not None and not 0.0 <= p <= 1.0:
        raise InvalidArgumentError(f"bernoulli: p must be in [0, 1], got {p}")
    return dispatch(bernoulli_op, (input,), {"p": None if p is None else float(p),
                                            "generator": checked(generator, input._device)})


register(bernoulli_op, public=bernoulli)
