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
    """Bind op's public function under every name its variants give; nothing is bound when a
    name is taken by another op (the error names both)."""
    bindings = list(_bindings(op))
    for name, _, _ in bindings:
        owner = OWNERS.get(name)
        if owner is not None and owner is not op:
            raise InvalidArgumentError(f"op {op.name!r} binds {name}, which op {owner.name!r} already binds")
    for name, holder, fn in bindings:
        OWNERS[name] = op
        attr = name.partition(".")[2]
        if holder is api:
            setattr(api, attr, fn)
            api.__all__.append(attr)
        elif holder is FUNCTIONAL:
            FUNCTIONAL[attr] = fn
        else:
            setattr(holder, attr, fn)


def _bindings(op):
    """(qualified name, where it goes, what is bound) for each name op's variants give."""
    v, public = op.variants, op.public
    for name in ((op.name,) if v.function else ()) + tuple(v.aliases):
        yield f"ug.{name}", api, public
    for name, fn in _named(v.methods, public):
        yield f"Tensor.{name}", Tensor, fn
    for name in v.operators:
        yield f"Tensor.{name}", Tensor, public
    for name in v.reflected:
        yield f"Tensor.{name}", Tensor, _reflected(public, name)
    for name, fn in _named(v.inplace, public):
        yield f"Tensor.{name}", Tensor, in_place(fn, name)
    for name, fn in _named(v.properties, None):
        yield f"Tensor.{name}", Tensor, property(fn, doc=fn.__doc__)
    for name in (op.name,) if v.functional is True else tuple(v.functional):
        yield f"functional.{name}", FUNCTIONAL, public


def _named(spec, default):
    """(name, function) pairs from a tuple of names (each bound to `default`) or a dict."""
    if isinstance(spec, dict):
        return [(name, default if fn is None else fn) for name, fn in spec.items()]
    return [(name, default) for name in spec]


def _reflected(fn, name):
    def reflected(self, other):
        return fn(other, self)
    reflected.__name__ = name
    reflected.__qualname__ = f"Tensor.{name}"
    reflected.__doc__ = f"other {name[3:-2]} self: {getattr(fn, '__name__', name)}(other, self)."
    return reflected
