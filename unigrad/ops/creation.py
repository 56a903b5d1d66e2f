"""Tensor factories: zeros, ones, full, arange, linspace, eye, and the random ones."""
from ..core.tensor import Tensor
from ..backend import dtypes as _dt
from ..backend.device import Device, cpu
from ..backend.random import generator
from ..core.trace_hook import state as _trace


def _shape(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        return tuple(int(s) for s in size[0])
    return tuple(int(s) for s in size)


def _make(array, device, dtype, requires_grad, random=None):
    t = Tensor._make(array, device, dtype)
    if requires_grad:
        t.requires_grad_(True)
    tracer = _trace.tracer
    if tracer.active:
        if random is None:
            tracer.record_constant(t)
        else:  # random draws stay nodes, so each run of a compiled graph draws anew
            tracer.record_random(random[0], random[1], t)
    return t


def _dev_dtype(device, dtype, default=None):
    device = Device(device) if device is not None else cpu
    dtype = _dt.to_dtype(dtype) if dtype is not None else (default or _dt.get_default_dtype())
    return device, dtype


def zeros(*size, dtype=None, device=None, requires_grad=False):
    device, dtype = _dev_dtype(device, dtype)
    return _make(device.xp.zeros(_shape(size), dtype=dtype.np), device, dtype, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    device, dtype = _dev_dtype(device, dtype)
    return _make(device.xp.ones(_shape(size), dtype=dtype.np), device, dtype, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False):
    device, dtype = _dev_dtype(device, dtype)
    return _make(device.xp.empty(_shape(size), dtype=dtype.np), device, dtype, requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    if dtype is None:
        dtype = _dt.result_dtype([], [fill_value])
    device, dtype = _dev_dtype(device, dtype)
    return _make(device.xp.full(_shape((size,)), fill_value, dtype=dtype.np), device, dtype, requires_grad)


def _like(t, dtype, device):
    return (t._dtype if dtype is None else _dt.to_dtype(dtype)), (t._device if device is None else Device(device))


def zeros_like(input, dtype=None, device=None, requires_grad=False):
    dtype, device = _like(input, dtype, device)
    return _make(device.xp.zeros(input._data.shape, dtype=dtype.np), device, dtype, requires_grad)


def ones_like(input, dtype=None, device=None, requires_grad=False):
    dtype, device = _like(input, dtype, device)
    return _make(device.xp.ones(input._data.shape, dtype=dtype.np), device, dtype, requires_grad)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False):
    dtype, device = _like(input, dtype, device)
    return _make(device.xp.full(input._data.shape, fill_value, dtype=dtype.np), device, dtype, requires_grad)


def empty_like(input, dtype=None, device=None, requires_grad=False):
    dtype, device = _like(input, dtype, device)
    return _make(device.xp.empty(input._data.shape, dtype=dtype.np), device, dtype, requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    if end is None:
        start, end = 0, start
    if dtype is None:
        dtype = _dt.result_dtype([], [start, end, step])
    device, dtype = _dev_dtype(device, dtype)
    return _make(device.xp.arange(start, end, step, dtype=dtype.np), device, dtype, requires_grad)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    device, dtype = _dev_dtype(device, dtype)
    return _make(device.xp.linspace(start, end, steps, dtype=dtype.np), device, dtype, requires_grad)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    device, dtype = _dev_dtype(device, dtype)
    return _make(device.xp.eye(n, m, dtype=dtype.np), device, dtype, requires_grad)


def rand(*size, dtype=None, device=None, requires_grad=False):
    device, dtype = _dev_dtype(device, dtype)
    shape = _shape(size)
    data = generator(device).random(shape, dtype=dtype.np if dtype.itemsize >= 4 else None)
    return _make(data.astype(dtype.np, copy=False), device, dtype, requires_grad,
                 ("rand", {"size": shape, "dtype": dtype, "device": device}))


def randn(*size, dtype=None, device=None, requires_grad=False):
    device, dtype = _dev_dtype(device, dtype)
    shape = _shape(size)
    data = generator(device).standard_normal(shape, dtype=dtype.np if dtype.itemsize >= 4 else None)
    return _make(data.astype(dtype.np, copy=False), device, dtype, requires_grad,
                 ("randn", {"size": shape, "dtype": dtype, "device": device}))


def randint(low, high=None, size=(), dtype=None, device=None):
    if high is None:
        low, high = 0, low
    device, dtype = _dev_dtype(device, dtype, _dt.int64)
    shape = _shape((size,))
    data = generator(device).integers(low, high, size=shape)
    return _make(data.astype(dtype.np), device, dtype, False,
                 ("randint", {"low": low, "high": high, "size": shape, "dtype": dtype, "device": device}))


def randperm(n, dtype=None, device=None):
    device, dtype = _dev_dtype(device, dtype, _dt.int64)
    return _make(generator(device).permutation(n).astype(dtype.np), device, dtype, False,
                 ("randperm", {"n": n, "dtype": dtype, "device": device}))


def rand_like(input, dtype=None, device=None):
    dtype, device = _like(input, dtype, device)
    return rand(*input.shape, dtype=dtype, device=device)


def randn_like(input, dtype=None, device=None):
    dtype, device = _like(input, dtype, device)
    return randn(*input.shape, dtype=dtype, device=device)


def bernoulli_mask(shape, keep, dtype, device):
    """A 0/1 mask where each element is 1 with probability `keep`."""
    gen = generator(device)
    data = (gen.random(shape, dtype=dtype.np if dtype.itemsize >= 4 else None) < keep).astype(dtype.np)
    return _make(data, device, dtype, False,
                 ("bernoulli_mask", {"shape": tuple(shape), "keep": keep, "dtype": dtype, "device": device}))
