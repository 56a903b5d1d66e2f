"""What the random ops share: the generator they draw from, and their conformance checks."""
from ...core.random import Generator, generator_for
from ...errors import InvalidTypeError


def stream(device, generator):
    """The NumPy/CuPy random stream an op on `device` draws from (generator=None: the default)."""
    return generator_for(device, generator).rng


def checked(generator, device):
    """generator= as given, after checking it can draw for `device` (None stays None: the default)."""
    if generator is not None:
        generator_for(device, generator)
    return generator


def floats(rng, draw, size, dtype):
    """rng.<draw>(size) in `dtype` (NumPy and CuPy draw float32/float64 natively, others are cast)."""
    native = dtype.np if dtype.itemsize >= 4 else None
    return getattr(rng, draw)(size, dtype=native).astype(dtype.np, copy=False)


def seeded(seed):
    """A fresh generator for a conformance sample: the op's draw can be replayed from its seed."""
    return Generator().manual_seed(seed)


def replay(generator):
    """The NumPy stream a sample's generator started from (for the op's reference)."""
    import numpy as np
    if not isinstance(generator, Generator):
        raise InvalidTypeError("a random op's reference needs the sample's generator")
    return np.random.default_rng(generator.initial_seed())
