"""The padding modules of torch.nn.modules.padding: constant (ZeroPad, ConstantPad), reflect,
replicate and circular, 1-D to 3-D, over F.pad."""
from ...ops import api as F
from .module import Module


def _padding(name, dims, mode, summary, example, with_value=False):
    def __init__(self, padding, *value):
        Module.__init__(self)
        self.padding = (padding,) * (2 * dims) if isinstance(padding, int) else tuple(padding)
        if with_value:
            self.value = value[0] if value else 0.0

    def forward(self, input):
        if mode == "constant":
            return F.pad(input, self.padding, value=getattr(self, "value", 0.0))
        return F.pad(input, self.padding, mode=mode)

    def extra_repr(self):
        # (torch's reprs: ConstantPad names its fields, the others show the widths alone)
        return f"padding={self.padding}, value={self.value}" if with_value else f"{self.padding}"

    doc = (f"{summary}\n\n    Shape:\n        - Input: ``(N, C, *)`` or ``(C, *)`` with {dims} padded dims last.\n"
           f"        - Output: each padded dim grows by its two widths.\n\n    Example::\n\n{example}\n    ")
    return type(name, (Module,), {"__init__": __init__, "forward": forward, "extra_repr": extra_repr, "__doc__": doc,
                                  "__module__": __name__})


_x = "ug.tensor([[[1.0, 2.0, 3.0]]])"
ZeroPad1d = _padding("ZeroPad1d", 1, "constant", "Zeros added on both sides of the last dim (torch.nn.ZeroPad1d).",
                     f"        >>> ug.nn.ZeroPad1d((1, 0))({_x})\n        tensor([[[0., 1., 2., 3.]]])")
ZeroPad2d = _padding("ZeroPad2d", 2, "constant", "Zeros added around the last two dims (torch.nn.ZeroPad2d).",
                     "        >>> ug.nn.ZeroPad2d(1)(ug.ones(1, 1, 1, 1)).shape\n        unigrad.Size([1, 1, 3, 3])")
ZeroPad3d = _padding("ZeroPad3d", 3, "constant", "Zeros added around the last three dims (torch.nn.ZeroPad3d).",
                     "        >>> ug.nn.ZeroPad3d(1)(ug.ones(1, 1, 1, 1, 1)).shape\n        unigrad.Size([1, 1, 3, 3, 3])")
ConstantPad1d = _padding("ConstantPad1d", 1, "constant", "A value added on both sides of the last dim "
                         "(torch.nn.ConstantPad1d).", f"        >>> ug.nn.ConstantPad1d(1, 9.0)({_x})\n"
                         "        tensor([[[9., 1., 2., 3., 9.]]])", with_value=True)
ConstantPad2d = _padding("ConstantPad2d", 2, "constant", "A value added around the last two dims "
                         "(torch.nn.ConstantPad2d).", "        >>> ug.nn.ConstantPad2d((1, 0, 0, 1), 2.0)(ug.ones(1, 1, 1, 1))\n"
                         "        tensor([[[[2., 1.],\n                  [2., 2.]]]])", with_value=True)
ConstantPad3d = _padding("ConstantPad3d", 3, "constant", "A value added around the last three dims "
                         "(torch.nn.ConstantPad3d).", "        >>> ug.nn.ConstantPad3d(1, 0.5)(ug.ones(1, 1, 1, 1)).shape\n"
                         "        unigrad.Size([1, 3, 3, 3])", with_value=True)
ReflectionPad1d = _padding("ReflectionPad1d", 1, "reflect", "The last dim mirrored at its ends, without repeating the "
                           "edge (torch.nn.ReflectionPad1d).", f"        >>> ug.nn.ReflectionPad1d(2)({_x})\n"
                           "        tensor([[[3., 2., 1., 2., 3., 2., 1.]]])")
ReflectionPad2d = _padding("ReflectionPad2d", 2, "reflect", "The last two dims mirrored at their ends "
                           "(torch.nn.ReflectionPad2d).", "        >>> ug.nn.ReflectionPad2d(1)(ug.ones(1, 1, 2, 2)).shape\n"
                           "        unigrad.Size([1, 1, 4, 4])")
ReflectionPad3d = _padding("ReflectionPad3d", 3, "reflect", "The last three dims mirrored at their ends "
                           "(torch.nn.ReflectionPad3d).", "        >>> ug.nn.ReflectionPad3d(1)(ug.ones(1, 1, 2, 2, 2)).shape\n"
                           "        unigrad.Size([1, 1, 4, 4, 4])")
ReplicationPad1d = _padding("ReplicationPad1d", 1, "replicate", "The last dim's edge values repeated "
                            "(torch.nn.ReplicationPad1d).", f"        >>> ug.nn.ReplicationPad1d((2, 1))({_x})\n"
                            "        tensor([[[1., 1., 1., 2., 3., 3.]]])")
ReplicationPad2d = _padding("ReplicationPad2d", 2, "replicate", "The last two dims' edge values repeated "
                            "(torch.nn.ReplicationPad2d).", "        >>> ug.nn.ReplicationPad2d(1)(ug.ones(1, 1, 2, 2)).shape\n"
                            "        unigrad.Size([1, 1, 4, 4])")
ReplicationPad3d = _padding("ReplicationPad3d", 3, "replicate", "The last three dims' edge values repeated "
                            "(torch.nn.ReplicationPad3d).", "        >>> ug.nn.ReplicationPad3d(1)(ug.ones(1, 1, 2, 2, 2)).shape\n"
                            "        unigrad.Size([1, 1, 4, 4, 4])")
CircularPad1d = _padding("CircularPad1d", 1, "circular", "The last dim wrapped around (torch.nn.CircularPad1d).",
                         f"        >>> ug.nn.CircularPad1d(1)({_x})\n        tensor([[[3., 1., 2., 3., 1.]]])")
CircularPad2d = _padding("CircularPad2d", 2, "circular", "The last two dims wrapped around (torch.nn.CircularPad2d).",
                         "        >>> ug.nn.CircularPad2d(1)(ug.ones(1, 1, 2, 2)).shape\n        unigrad.Size([1, 1, 4, 4])")
CircularPad3d = _padding("CircularPad3d", 3, "circular", "The last three dims wrapped around "
                         "(torch.nn.CircularPad3d).", "        >>> ug.nn.CircularPad3d(1)(ug.ones(1, 1, 2, 2, 2)).shape\n"
                         "        unigrad.Size([1, 1, 4, 4, 4])")
