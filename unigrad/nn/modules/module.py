"""Module: the base class of layers and models, with PyTorch's API."""
from collections import OrderedDict, namedtuple

from ...core.grad_mode import no_grad
from ...core.tensor import Tensor
from ...autograd.zero_grad import zero_grads
from ...backend import dtypes as _dt
from ...backend.device import Device
from ...core.trace_hook import state as _trace
from ...errors import InvalidTypeError, StateDictError
from ...ops import api as F
from ..parameter import Parameter

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class Module:
    """Base class of all layers and models: subclass it, build the parts in ``__init__``, define ``forward``.

    Call ``super().__init__()`` before assigning attributes. Assignment then registers what it is given:

    - a :class:`Parameter` becomes a parameter (also ``register_parameter(name, p)``; ``None`` marks an absent one);
    - a Module becomes a submodule (also ``add_module(name, m)``);
    - tensors added with ``register_buffer(name, t, persistent=True)`` are buffers: state that is not trained,
      such as running statistics (left out of ``state_dict`` when ``persistent=False``).

    ``parameters()``, ``buffers()``, ``modules()``, ``children()`` (and their ``named_*`` forms), ``state_dict()``,
    ``load_state_dict()``, ``train()``/``eval()``, ``requires_grad_()``, ``zero_grad()``, ``apply()`` and
    ``to()``/``cpu()``/``cuda()``/``float()``/``double()``/``half()`` walk the registries recursively. ``to()``
    converts in place, keeping the same Parameter objects, and casts only floating-point tensors to a new dtype.
    Calling the module runs ``forward``; there are no forward or backward hooks.

    Attributes:
        training: True (the default) in training mode, False after ``eval()``; Dropout and BatchNorm read it.

    Example::

        >>> class Net(ug.nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.fc1 = ug.nn.Linear(4, 8)
        ...         self.fc2 = ug.nn.Linear(8, 2)
        ...     def forward(self, x):
        ...         return self.fc2(ug.nn.functional.relu(self.fc1(x)))
        >>> net = Net()
        >>> net(ug.randn(3, 4)).shape
        unigrad.Size([3, 2])
        >>> [name for name, _ in net.named_parameters()]
        ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
        >>> net.eval().training, net.fc1.training
        (False, False)
    """
    training: bool

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args, **kwargs):
        _trace.tracer.module_called(self)  # a compiled graph depends on train/eval mode: it is guarded
        return self.forward(*args, **kwargs)

    # ---- registration ----------------------------------------------------------------------
    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"call super().__init__() in {type(self).__name__}.__init__ before assigning "
                                 f"attribute '{name}'")
        # as in PyTorch: a Parameter or Module takes the name over from whatever held it; a name
        # that holds a parameter, submodule or buffer takes only its own kind, or None
        if isinstance(value, (Parameter, Module)):
            store = self._parameters if isinstance(value, Parameter) else self._modules
            for other in (self._parameters, self._buffers, self._modules):
                if other is not store:
                    other.pop(name, None)
            self.__dict__.pop(name, None)
            store[name] = value
        elif name in self._parameters or name in self._modules:
            kind = "parameter" if name in self._parameters else "submodule"
            if value is not None:
                expected = "ug.nn.Parameter" if kind == "parameter" else "a Module"
                raise InvalidTypeError(f"cannot assign {type(value).__name__} as {kind} '{name}' of "
                                       f"{type(self).__name__} ({expected} or None expected)")
            (self._parameters if kind == "parameter" else self._modules)[name] = None
        elif name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise InvalidTypeError(f"cannot assign {type(value).__name__} to buffer '{name}' (Tensor or None "
                                       "expected)")
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            if store in d and name in d[store]:
                return d[store][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for store in (self._parameters, self._buffers, self._modules):
            if name in store:
                del store[name]
                return
        object.__delattr__(self, name)

    def register_parameter(self, name, param):
        if param is not None and not isinstance(param, Parameter):
            raise InvalidTypeError(f"register_parameter('{name}') expects a Parameter or None, got {type(param).__name__}")
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent.add(name)

    def add_module(self, name, module):
        self._modules[name] = module

    register_module = add_module

    # ---- traversal --------------------------------------------------------------------------
    def named_modules(self, memo=None, prefix=""):
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(memo, f"{prefix}.{name}" if prefix else name)

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        for name, child in self._modules.items():
            if child is not None:
                yield name, child

    def children(self):
        for _, c in self.named_children():
            yield c

    def _named_members(self, store, prefix, recurse):
        seen = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for mod_prefix, module in modules:
            for name, value in getattr(module, store).items():
                if value is None or id(value) in seen:
                    continue
                seen.add(id(value))
                yield (f"{mod_prefix}.{name}" if mod_prefix else name), value

    def named_parameters(self, prefix="", recurse=True):
        return self._named_members("_parameters", prefix, recurse)

    def parameters(self, recurse=True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix="", recurse=True):
        return self._named_members("_buffers", prefix, recurse)

    def buffers(self, recurse=True):
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # ---- state -------------------------------------------------------------------------------
    def state_dict(self, destination=None, prefix="", keep_vars=False):
        out = OrderedDict() if destination is None else destination
        for name, p in self._parameters.items():
            if p is not None:
                out[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent:
                out[prefix + name] = b if keep_vars else b.detach()
        for name, child in self._modules.items():
            if child is not None:
                child.state_dict(out, prefix + name + ".", keep_vars)
        return out

    def load_state_dict(self, state_dict, strict=True, assign=False):
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        mismatched = []
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            shape = tuple(getattr(value, "shape", ()))
            if shape != tuple(target.shape):
                mismatched.append(f"  {key}: checkpoint has shape {shape}, the model has {tuple(target.shape)}")
        if mismatched or (strict and (missing or unexpected)):
            lines = [f"Error(s) loading state_dict for {type(self).__name__}:"]
            if missing:
                lines.append(f"  missing keys: {missing}")
            if unexpected:
                lines.append(f"  unexpected keys: {unexpected}")
            lines.extend(mismatched)
            if not mismatched:
                lines.append("  pass strict=False to load only the keys that match")
            raise StateDictError("\n".join(lines))
        with no_grad():
            for key, target in own.items():
                if key in state_dict:
                    value = state_dict[key]
                    src = value if isinstance(value, Tensor) else Tensor(value)
                    target._data[...] = src.to(device=target.device, dtype=target.dtype)._data
                    target._vc[0] += 1
        return IncompatibleKeys(missing, unexpected)

    # ---- modes and conversion ---------------------------------------------------------------
    def train(self, mode=True):
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self):
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        zero_grads(self.parameters(), set_to_none)

    def apply(self, fn):
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def _convert(self, device=None, dtype=None):
        for m in self.modules():
            for store in (m._parameters, m._buffers):
                for name, t in store.items():
                    if t is None:
                        continue
                    target_dtype = dtype if (dtype is not None and t.dtype.is_floating_point) else None
                    new = t.detach().to(device=device, dtype=target_dtype)
                    if new._data is t._data:
                        continue
                    # keep the same Parameter object so optimizers built earlier still see it
                    t._data, t._device, t._dtype = new._data, new._device, new._dtype
                    if t.grad is not None:
                        t.grad = t.grad.to(device=device, dtype=target_dtype)
        return self

    def to(self, *args, **kwargs):
        device, dtype = kwargs.get("device"), kwargs.get("dtype")
        for a in args:
            if isinstance(a, (Device, str)) and not (isinstance(a, str) and a in _dt._BY_NAME):
                device = a
            elif a is not None:
                dtype = a
        return self._convert(Device(device) if device is not None else None,
                             _dt.to_dtype(dtype) if dtype is not None else None)

    def to_empty(self, *, device, recurse=True):
        """torch's Module.to_empty: every parameter and buffer gets fresh storage of its shape and
        dtype on `device`, filled with zeros (PyTorch leaves it uninitialised) - how a model built
        under `with ug.device("meta"):` gets memory before load_state_dict or reset_parameters.
        The Parameter objects stay the same, so optimizers built earlier still see them."""
        device = Device(device)
        for m in (self.modules() if recurse else [self]):
            for store in (m._parameters, m._buffers):
                for t in store.values():
                    if t is not None:
                        new = F.zeros(tuple(t.shape), dtype=t.dtype, device=device)
                        t._data, t._device, t._dtype, t.grad = new._data, new._device, new._dtype, None
        return self

    def cpu(self):
        return self.to("cpu")

    def cuda(self, device=None):
        return self.to("cuda" if device is None else f"cuda:{device}")

    def float(self):
        return self.to(_dt.float32)

    def double(self):
        return self.to(_dt.float64)

    def half(self):
        return self.to(_dt.float16)

    # ---- printing -----------------------------------------------------------------------------
    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = []
        extra = self.extra_repr()
        if extra:
            lines = extra.split("\n")
        for name, child in self._modules.items():
            body = repr(child).replace("\n", "\n  ")
            lines.append(f"({name}): {body}")
        main = type(self).__name__ + "("
        if not lines:
            return main + ")"
        if len(lines) == 1 and not self._modules:
            return main + lines[0] + ")"
        return main + "\n  " + "\n  ".join(lines) + "\n)"

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers) | set(self._modules))
