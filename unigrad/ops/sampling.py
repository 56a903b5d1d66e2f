"""Helpers that make conformance sample inputs (float64, deterministic)."""
import numpy as np


def rng(seed=0):
    return np.random.default_rng(seed)


def _shape(shape):
    return shape[0] if len(shape) == 1 and isinstance(shape[0], tuple) else shape


def randn(*shape, seed=0):
    return np.asarray(rng(seed).standard_normal(_shape(shape)))


def positive(*shape, seed=0, low=0.5, high=2.0):
    return np.asarray(rng(seed).uniform(low, high, size=_shape(shape)))


def away_from(*shape, points=(0.0,), gap=0.15, seed=0):
    """Random values kept `gap` away from kinks, so finite differences are valid."""
    x = randn(*shape, seed=seed)
    for p in points:
        close = np.abs(x - p) < gap
        x[close] = p + np.where(x[close] >= p, gap, -gap) * (1 + rng(seed + 1).uniform(size=close.sum()))
    return x
