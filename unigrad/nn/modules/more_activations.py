"""The remaining activation modules of torch.nn (torch.nn.modules.activation re-exports them):
each stores its arguments and calls its functional form."""
from ..functional import (celu, glu, hardshrink, hardsigmoid, hardswish, hardtanh, logsigmoid, mish, selu,  # noqa: F401
                          softmin, softshrink, softsign, tanhshrink, threshold)
from .module import Module

_SHAPE = """
    Shape:
        - Input: ``(*)``, any shape{extra}.
        - Output: {out}.
"""


def _activation(name, fn, args, summary, example, repr_fn, shape_extra="", out="the input's shape"):
    """A module class calling fn(input, *its args) (args: (name, default) pairs, also its
    constructor's parameters, in order; ``inplace`` is accepted and ignored where torch has it)."""
    names = [a for a, _ in args]

    def __init__(self, *values, **kwargs):
        Module.__init__(self)
        kwargs.pop("inplace", None)
        params = dict(args)
        params.update(zip(names, values))
        params.update(kwargs)
        for k, v in params.items():
            setattr(self, k, v)

    def forward(self, input):
        return fn(input, *[getattr(self, a) for a in names])

    doc = f"{summary}\n{_SHAPE.format(extra=shape_extra, out=out)}\n    Example::\n\n{example}\n    "
    return type(name, (Module,), {"__init__": __init__, "forward": forward, "__doc__": doc,
                                  "extra_repr": lambda self: repr_fn(self), "__module__": __name__})


_nothing = lambda self: ""  # noqa: E731

LogSigmoid = _activation("LogSigmoid", logsigmoid, (), "``log(sigmoid(x))`` elementwise (torch.nn.LogSigmoid).",
                         "        >>> ug.nn.LogSigmoid()(ug.tensor([0.0]))\n        tensor([-0.6931])", _nothing)
Hardsigmoid = _activation("Hardsigmoid", hardsigmoid, (), "``clamp(x / 6 + 1/2, 0, 1)`` (torch.nn.Hardsigmoid).",
                          "        >>> ug.nn.Hardsigmoid()(ug.tensor([0.0, 6.0]))\n        tensor([0.5, 1. ])", _nothing)
Hardswish = _activation("Hardswish", hardswish, (), "``x * relu6(x + 3) / 6`` (torch.nn.Hardswish).",
                        "        >>> ug.nn.Hardswish()(ug.tensor([0.0, 4.0]))\n        tensor([0., 4.])", _nothing)
Mish = _activation("Mish", mish, (), "``x * tanh(softplus(x))`` (torch.nn.Mish).",
                   "        >>> ug.nn.Mish()(ug.tensor([0.0]))\n        tensor([0.])", _nothing)
SELU = _activation("SELU", selu, (), "The self-normalising ELU (torch.nn.SELU).",
                   "        >>> ug.nn.SELU()(ug.tensor([1.0]))\n        tensor([1.0507])", _nothing)
CELU = _activation("CELU", celu, (("alpha", 1.0),), "``x if x > 0 else alpha * (exp(x / alpha) - 1)`` (torch.nn.CELU).",
                   "        >>> ug.nn.CELU(alpha=2.0)\n        CELU(alpha=2.0)", lambda self: f"alpha={self.alpha}")
Softsign = _activation("Softsign", softsign, (), "``x / (1 + |x|)`` (torch.nn.Softsign).",
                       "        >>> ug.nn.Softsign()(ug.tensor([1.0]))\n        tensor([0.5])", _nothing)
Tanhshrink = _activation("Tanhshrink", tanhshrink, (), "``x - tanh(x)`` (torch.nn.Tanhshrink).",
                         "        >>> ug.nn.Tanhshrink()(ug.tensor([0.0]))\n        tensor([0.])", _nothing)
Threshold = _activation("Threshold", threshold, (("threshold", 0.0), ("value", 0.0)),
                        "x where x > threshold, else value (torch.nn.Threshold).",
                        "        >>> ug.nn.Threshold(0.1, 20.0)(ug.tensor([0.0, 1.0]))\n        tensor([20.,  1.])",
                        lambda self: f"threshold={self.threshold}, value={self.value}")
Hardshrink = _activation("Hardshrink", hardshrink, (("lambd", 0.5),), "x where |x| > lambd, else 0 (torch.nn.Hardshrink).",
                         "        >>> ug.nn.Hardshrink()(ug.tensor([0.2, 1.0]))\n        tensor([0., 1.])",
                         lambda self: f"{self.lambd}")
Softshrink = _activation("Softshrink", softshrink, (("lambd", 0.5),), "x shrunk towards 0 by lambd (torch.nn.Softshrink).",
                         "        >>> ug.nn.Softshrink()(ug.tensor([0.2, 1.0]))\n        tensor([0. , 0.5])",
                         lambda self: f"{self.lambd}")
Hardtanh = _activation("Hardtanh", hardtanh, (("min_val", -1.0), ("max_val", 1.0)), "x clamped to [min_val, max_val] "
                       "(torch.nn.Hardtanh).", "        >>> ug.nn.Hardtanh()(ug.tensor([-2.0, 0.5]))\n        tensor([-1. ,  0.5])",
                       lambda self: f"min_val={self.min_val}, max_val={self.max_val}")
Softmin = _activation("Softmin", softmin, (("dim", None),), "``softmax(-x, dim)`` (torch.nn.Softmin).",
                      "        >>> ug.nn.Softmin(dim=0)(ug.tensor([0.0, 0.0]))\n        tensor([0.5, 0.5])",
                      lambda self: f"dim={self.dim}")
GLU = _activation("GLU", glu, (("dim", -1),), "The gated linear unit: halves a, b along dim give ``a * sigmoid(b)`` "
                  "(torch.nn.GLU).", "        >>> ug.nn.GLU()(ug.ones(4, 6)).shape\n        unigrad.Size([4, 3])",
                  lambda self: f"dim={self.dim}", shape_extra=" with an even size along dim",
                  out="the input's shape with dim halved")
