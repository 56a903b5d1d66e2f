"""Caffe's one random stream: fillers, dropout masks, crops, mirrors and shuffles all draw from
it, and `set_random_seed` (the solver's `random_seed`) makes a run repeatable. The numbers are
NumPy's (PCG64), not Boost's mt19937, so they differ from Caffe's own draws."""
import numpy as np

_state = {"rng": np.random.default_rng()}


def set_random_seed(seed):
    """Seed the stream (pycaffe's ``caffe.set_random_seed``); a negative seed draws one from the
    clock, as Caffe does for ``random_seed: -1``."""
    _state["rng"] = np.random.default_rng(None if seed is None or seed < 0 else int(seed))


def rng():
    """The stream."""
    return _state["rng"]
