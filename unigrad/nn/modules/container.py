"""Sequential, ModuleList, ModuleDict."""
from collections import OrderedDict

from .module import Module


class Sequential(Module):
    """Chains modules: ``forward`` feeds its input to the first module, each output to the next, and returns the last.

    Args:
        *args: the modules, registered as ``'0'``, ``'1'``, ...; or one dict/OrderedDict from names to modules.

    ``seq[i]`` returns a module (negative ``i`` counts from the end); ``seq[a:b]`` returns a new Sequential of the
    same module objects, renamed ``'0'``, ``'1'``, .... ``len()``, iteration and ``append(module)`` are supported.
    An empty Sequential returns its input.

    Shape:
        - Input: what the first module accepts (one positional argument).
        - Output: what the last module returns.

    Example::

        >>> model = ug.nn.Sequential(ug.nn.Linear(4, 8), ug.nn.ReLU(), ug.nn.Linear(8, 2))
        >>> model(ug.randn(3, 4)).shape
        unigrad.Size([3, 2])
        >>> model[1:]
        Sequential(
          (0): ReLU()
          (1): Linear(in_features=8, out_features=2, bias=True)
        )
    """
    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], (dict, OrderedDict)):
            for name, m in args[0].items():
                self.add_module(name, m)
        else:
            for i, m in enumerate(args):
                self.add_module(str(i), m)

    def forward(self, input):
        for m in self._modules.values():
            input = m(input)
        return input

    def __getitem__(self, idx):
        mods = list(self._modules.values())
        if isinstance(idx, slice):
            return Sequential(*mods[idx])
        return mods[idx]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        self.add_module(str(len(self._modules)), module)
        return self


class ModuleList(Module):
    """Holds submodules in a list, registered as ``'0'``, ``'1'``, ... so the parent module sees their parameters.

    It has no ``forward``: index or iterate over it in the parent's ``forward``.

    Args:
        modules: an iterable of modules to append. Default: None (empty).

    Supports ``append(module)``, ``extend(modules)``, ``len()``, iteration and indexing; a slice returns a new
    ModuleList of the same module objects.

    Example::

        >>> layers = ug.nn.ModuleList([ug.nn.Linear(4, 4) for _ in range(3)])
        >>> x = ug.randn(2, 4)
        >>> for layer in layers:
        ...     x = layer(x)
        >>> x.shape, len(layers), len(list(layers.parameters()))
        (unigrad.Size([2, 4]), 3, 6)
    """
    def __init__(self, modules=None):
        super().__init__()
        for m in modules or []:
            self.append(m)

    def append(self, module):
        self.add_module(str(len(self._modules)), module)
        return self

    def extend(self, modules):
        for m in modules:
            self.append(m)
        return self

    def __getitem__(self, idx):
        mods = list(self._modules.values())
        return ModuleList(mods[idx]) if isinstance(idx, slice) else mods[idx]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


class ModuleDict(Module):
    """Holds submodules by name, in insertion order, so the parent module sees their parameters.

    It has no ``forward``.

    Args:
        modules: a mapping (dict or OrderedDict) from names to modules; a list of pairs is not accepted.
            Default: None (empty).

    Supports ``d[name]``, ``d[name] = module``, ``name in d``, ``len()``, iteration over the names, ``keys()``,
    ``values()`` and ``items()``.

    Example::

        >>> heads = ug.nn.ModuleDict({"cls": ug.nn.Linear(8, 10), "box": ug.nn.Linear(8, 4)})
        >>> heads["box"](ug.randn(2, 8)).shape
        unigrad.Size([2, 4])
        >>> list(heads)
        ['cls', 'box']
    """
    def __init__(self, modules=None):
        super().__init__()
        for name, m in (modules or {}).items():
            self.add_module(name, m)

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(key, module)

    def __contains__(self, key):
        return key in self._modules

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def keys(self):
        return self._modules.keys()

    def values(self):
        return self._modules.values()

    def items(self):
        return self._modules.items()


from .parameter_containers import ParameterDict, ParameterList  # noqa: E402,F401  (torch.nn.modules.container's names)
