"""Seeded random number generators, one default per device (torch.Generator and its functions).

Every random op takes `generator=` (None: the default generator of the op's device), so a
compiled graph draws from the generator it recorded at each run, and `ug.manual_seed` makes
every later draw reproducible. The CPU stream is NumPy's PCG64; on CUDA it is CuPy's default
bit generator, whose state CuPy cannot save or restore.
"""
import secrets

import numpy as np

from ..backend.device import Device, cpu
from ..errors import DeviceError, InvalidArgumentError, InvalidTypeError
from .tensor import Tensor

DEFAULT_SEED = 67280421310721  # PyTorch's, so unseeded runs are reproducible as in PyTorch
_STATE_BYTES = 48              # PCG64 state and increment (16 bytes each), buffered uint32, seed


class Generator:
    """A stream of random numbers on one device: `manual_seed`, `seed`, `initial_seed`,
    `get_state`/`set_state`, as torch.Generator.

    Args:
        device: where the numbers are drawn ('cpu' or 'cuda:N'). Default: 'cpu'.

    Example::

        >>> g = ug.Generator().manual_seed(0)
        >>> a = ug.rand(3, generator=g)
        >>> b = ug.rand(3, generator=g.manual_seed(0))  # the same stream again
        >>> bool((a == b).all())
        True
    """

    def __init__(self, device="cpu"):
        self.device = Device(device)
        if self.device.type == "meta":
            raise DeviceError("a Generator draws numbers on 'cpu' or 'cuda', not on the data-less 'meta' device")
        self.manual_seed(DEFAULT_SEED)

    def manual_seed(self, seed):
        """Restart the stream from `seed` (an int); returns the generator."""
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
            raise InvalidTypeError(f"Generator.manual_seed expects an int seed, got {type(seed).__name__}")
        self._seed = int(seed) % (1 << 64)
        self._rng = None  # made on the first draw: seeding NumPy's PCG64 costs ~1 ms, and most generators never draw
        return self

    @property
    def rng(self):
        """The NumPy (or CuPy) Generator the random ops draw from."""
        if self._rng is None:
            self._rng = self._new_stream(self._seed)
        return self._rng

    def seed(self):
        """Restart the stream from a seed taken from the OS's entropy; returns that seed."""
        self.manual_seed(secrets.randbits(63))
        return self._seed

    def initial_seed(self):
        """The seed the stream was last started from."""
        return self._seed

    def get_state(self):
        """The stream's position as a uint8 Tensor, for set_state (CPU generators)."""
        state = self._bit_state()
        inner = state["state"]
        raw = (inner["state"].to_bytes(16, "little") + inner["inc"].to_bytes(16, "little")
               + int(state["has_uint32"]).to_bytes(4, "little") + int(state["uinteger"]).to_bytes(4, "little")
               + self._seed.to_bytes(8, "little"))
        return Tensor(np.frombuffer(raw, dtype=np.uint8).copy())

    def set_state(self, new_state):
        """Continue the stream from a state that get_state returned; returns the generator."""
        raw = bytes(np.asarray(new_state, dtype=np.uint8).reshape(-1))
        if len(raw) != _STATE_BYTES:
            raise InvalidArgumentError(f"Generator.set_state: expected the {_STATE_BYTES}-byte uint8 tensor that "
                                       f"get_state returns, got {len(raw)} bytes")
        state = self._bit_state()
        state["state"] = {"state": int.from_bytes(raw[:16], "little"), "inc": int.from_bytes(raw[16:32], "little")}
        state["has_uint32"] = int.from_bytes(raw[32:36], "little")
        state["uinteger"] = int.from_bytes(raw[36:40], "little")
        self.rng.bit_generator.state = state  # (after _bit_state made the stream)
        self._seed = int.from_bytes(raw[40:48], "little")
        return self

    def _new_stream(self, seed):
        if self.device.type == "cpu":
            return np.random.default_rng(seed)
        with self.device.activate():  # offset per device, so GPUs seeded alike draw different masks
            return self.device.xp.random.default_rng(seed + 1 + self.device.index)

    def _bit_state(self):
        if self.device.type != "cpu":
            raise DeviceError(f"Generator.get_state/set_state: CuPy cannot save or restore the state of its "
                              f"generators ({self.device}); restart the stream with manual_seed instead")
        return self.rng.bit_generator.state

    def __repr__(self):
        return f"<unigrad.Generator on {self.device}, seed {self._seed}>"

    def __reduce__(self):
        raise InvalidTypeError("unigrad generators are not picklable by design; save get_state() instead")


_defaults = {}         # device -> its default Generator
_seed = DEFAULT_SEED   # what manual_seed last set, for default generators made later


def default_generator_for(device):
    """The generator random ops on `device` draw from when given none."""
    gen = _defaults.get(device)
    if gen is None:
        gen = _defaults[device] = Generator(device).manual_seed(_seed)
    return gen


def manual_seed(seed):
    """Make every later random op reproducible: reseeds the default generator of every device.
    Returns the CPU default generator, as torch.manual_seed does."""
    global _seed
    _seed = int(seed)
    for gen in _defaults.values():
        gen.manual_seed(_seed)
    return default_generator_for(cpu)


def seed():
    """Reseed every default generator from the OS's entropy; returns the seed."""
    return manual_seed(secrets.randbits(63)).initial_seed()


def initial_seed():
    """The seed of the CPU default generator."""
    return default_generator_for(cpu).initial_seed()


def get_rng_state():
    """The CPU default generator's state (a uint8 Tensor)."""
    return default_generator_for(cpu).get_state()


def set_rng_state(new_state):
    default_generator_for(cpu).set_state(new_state)


def generator_for(device, generator):
    """The generator a random op on `device` draws from: `generator`, or the device's default."""
    if generator is None:
        return default_generator_for(device)
    if not isinstance(generator, Generator):
        raise InvalidTypeError(f"generator= expects a unigrad.Generator, got {type(generator).__name__}")
    if generator.device is not device:
        raise DeviceError(f"a Generator on {generator.device} cannot draw numbers for a tensor on {device}")
    return generator
