"""Seeded random generators, one per device; unigrad.manual_seed reseeds them all."""
import numpy as np

_seed = None
_generators = {}


def manual_seed(seed):
    """Make every later random op reproducible (CPU and every CUDA device)."""
    global _seed
    _seed = int(seed)
    _generators.clear()
    return _seed


def initial_seed():
    return _seed


def generator(device):
    gen = _generators.get(device)
    if gen is None:
        if device.type == "cpu":
            gen = np.random.default_rng(_seed)
        else:
            with device.activate():
                seed = None if _seed is None else _seed + 1 + device.index
                gen = device.xp.random.default_rng(seed)
        _generators[device] = gen
    return gen
