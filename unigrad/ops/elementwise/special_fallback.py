"""NumPy forms of the special functions, for when SciPy (their fast path) is not installed:
recurrences up to x >= 10, then the asymptotic series (relative error below 1e-12 there), and the
reflection formulas for negative arguments."""
import math

import numpy as np

_ERF = np.frompyfunc(math.erf, 1, 1)
_ERFC = np.frompyfunc(math.erfc, 1, 1)
_LGAMMA = np.frompyfunc(lambda v: math.lgamma(v) if v > 0 or v != math.floor(v) else math.inf, 1, 1)


def erfc(x):
    return _ERFC(x).astype(x.dtype)


def lgamma(x):
    return _LGAMMA(x).astype(x.dtype)


def erfinv(x):
    """Inverse error function: Giles' single-precision approximation, then Newton steps on erf."""
    x64 = np.asarray(x, dtype=np.float64)
    w = -np.log(np.clip((1.0 - x64) * (1.0 + x64), 1e-300, None))
    small = w < 5.0
    ws = w - 2.5
    p_small = 2.81022636e-08
    for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164,
              0.246640727, 1.50140941):
        p_small = c + p_small * ws
    wl = np.sqrt(np.maximum(w, 0)) - 3.0
    p_large = -0.000200214257
    for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047,
              1.00167406, 2.83297682):
        p_large = c + p_large * wl
    y = np.where(small, p_small, p_large) * x64
    for _ in range(3):  # Newton: f(y) = erf(y) - x, f' = 2/sqrt(pi) exp(-y^2)
        inside = np.abs(x64) < 1
        y = np.where(inside, y, 0.0)
        err = _ERF(y).astype(np.float64) - np.where(inside, x64, 0.0)
        y = y - err / (2 / math.sqrt(math.pi) * np.exp(-y * y))
    y = np.where(x64 == 1, np.inf, np.where(x64 == -1, -np.inf, np.where(np.abs(x64) > 1, np.nan, y)))
    return y.astype(x.dtype)


def _shifted(x, series, step):
    """Evaluate a function with recurrence f(x) = f(x + 1) + step(x) up to x >= 10, then `series`."""
    x = np.asarray(x, dtype=np.float64)
    acc = np.zeros_like(x)
    z = x.copy()
    for _ in range(10):
        low = z < 10
        acc = acc + np.where(low, step(np.where(low, z, 1.0)), 0.0)
        z = np.where(low, z + 1, z)
    return acc + series(z)


def _digamma_series(z):
    inv2 = 1 / (z * z)
    return (np.log(z) - 0.5 / z - inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240
            - inv2 * (1 / 132))))))


# B_2k / (2k)! for k = 1..8: the Euler-Maclaurin coefficients of the Hurwitz zeta function
_BERNOULLI_OVER_FACTORIAL = [b / math.factorial(2 * k) for k, b in enumerate(
    (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510), start=1)]


def _hurwitz_zeta_tail(s, z):
    """zeta(s, z) for integer s >= 2 and z >= 10 + s: the Euler-Maclaurin series."""
    total = z ** (1 - s) / (s - 1) + 0.5 * z ** -s
    rising = float(s)  # s (s + 1) ... (s + 2k - 2)
    for k, coef in enumerate(_BERNOULLI_OVER_FACTORIAL, start=1):
        total = total + coef * rising * z ** (-s - 2 * k + 1)
        rising *= (s + 2 * k - 1) * (s + 2 * k)
    return total


def digamma(x):
    x64 = np.asarray(x, dtype=np.float64)
    neg = x64 < 0.5
    xr = np.where(neg, 1 - x64, x64)  # psi(1 - x) - psi(x) = pi cot(pi x)
    value = _shifted(xr, _digamma_series, lambda z: -1 / z)
    value = np.where(neg, value - math.pi / np.tan(math.pi * x64), value)
    value = np.where((x64 <= 0) & (x64 == np.floor(x64)), np.nan, value)
    return value.astype(x.dtype)


def polygamma(n, x):
    """psi^(n)(x) for n >= 1: (-1)^(n+1) n! zeta(n + 1, x), with zeta(s, x) = zeta(s, x + 1) + x^-s
    applied until x >= 10 + n (also from negative x: no reflection needed), then the tail
    series. Poles (x = 0, -1, ...) give torch's infinities."""
    x64 = np.asarray(x, dtype=np.float64)
    s = n + 1
    start = 10.0 + n
    z = x64.copy()
    acc = np.zeros_like(z)
    lowest = float(np.nanmin(z)) if z.size else start
    for _ in range(max(0, int(math.ceil(start - lowest)) + 1) if math.isfinite(lowest) else 0):
        low = z < start
        with np.errstate(divide="ignore"):
            acc = acc + np.where(low, 1.0 / np.where(low, z, 1.0) ** s, 0.0)
        z = np.where(low, z + 1, z)
    value = (-1) ** (n + 1) * math.factorial(n) * (acc + _hurwitz_zeta_tail(s, z))
    pole = (x64 <= 0) & (x64 == np.floor(x64))
    value = np.where(pole, np.inf if n % 2 else -np.inf, value)
    return value.astype(x.dtype)
