"""Registering an op binds its public function where users call it, from its `variants`:
ug.<name> (through the `api` namespace), Tensor methods, operators and in-place methods, and
nn.functional. Two ops claiming one name is an error, so every name has one owner."""
from ..core.inplace import in_place
from ..core.tensor import Tensor
from ..errors import InvalidArgumentError
from . import api

OWNERS = {}      # "ug.add", "Tensor.__add__", "functional.relu" -> the op that bound it
FUNCTIONAL = {}  # nn.functional name -> function


def bind(op):
    v = op.variants
    public = op.public
    for name in ((op.name,) if v.function else ()) + tuple(v.aliases):
        _claim(f"ug.{name}", op)
        setattr(api, name, public)
        api.__all__.append(name)
    for name, fn in _named(v.methods, public):
        _tensor(name, fn, op)
    for name in v.operators:
        _tensor(name, public, op)
    for name in v.reflected:
        _tensor(name, _reflected(public, name), op)
    for name, fn in _named(v.inplace, public):
        _tensor(name, in_place(fn, name), op)
    for name, fn in _named(v.properties, None):
        _tensor(name, property(fn, doc=fn.__doc__), op)
    names = (op.name,) if v.functional is True else tuple(v.functional)
    for name in names:
        _claim(f"functional.{name}", op)
        FUNCTIONAL[name] = public


def _named(spec, default):
    """(name, function) pairs from a tuple of names (each bound to `default`) or a dict."""
    if isinstance(spec, dict):
        return [(name, default if fn is None else fn) for name, fn in spec.items()]
    return [(name, default) for name in spec]


def _tensor(name, fn, op):
    _claim(f"Tensor.{name}", op)
    setattr(Tensor, name, fn)


def _claim(name, op):
    owner = OWNERS.get(name)
    if owner is not None and owner is not op:
        raise InvalidArgumentError(f"op {op.name!r} binds {name}, which op {owner.name!r} already binds")
    OWNERS[name] = op


def _reflected(fn, name):
    def reflected(self, other):
        return fn(other, self)
    reflected.__name__ = name
    reflected.__qualname__ = f"Tensor.{name}"
    reflected.__doc__ = f"other {name[3:-2]} self: {getattr(fn, '__name__', name)}(other, self)."
    return reflected
