"""What the broadcasting binary ops share: their shape rule, conformance samples, and the
reduction of a broadcast gradient back to each operand's shape."""
from ...errors import DtypeError
from .. import api as F
from ..registry import Sample
from ..sampling import randn
from ..spec import Spec, broadcast_shapes

NO_ATTRS = {}  # shared by attr-less calls; nothing mutates a node's attrs


def binary_infer(name):
    """Operands of one dtype (promoted by the public function) whose shapes broadcast."""
    def infer(a, b):
        if a.dtype is not b.dtype:
            raise DtypeError(f"op '{name}': operand dtypes differ ({a.dtype} vs {b.dtype}); promote first")
        return Spec(broadcast_shapes(name, a.shape, b.shape), a.dtype)
    return infer


def binary_samples(second=randn):
    """Same shapes, broadcasting, a 0-d operand, an empty one and a strided view."""
    return lambda: [
        Sample((randn(3, 4), second(3, 4, seed=1)), name="same"),
        Sample((randn(2, 3, 1), second(4, seed=2)), name="broadcast"),
        Sample((randn(()), second(2, 3, seed=3)), name="scalar"),
        Sample((randn(0, 3), second(3, seed=4)), name="empty"),
        Sample((randn(4, 3).T, second(3, 4, seed=5)), name="strided"),
    ]


def reduce_broadcast(ctx, ga, gb):
    """Sum broadcast gradients back to the operand shapes (free when the shapes match)."""
    a, b = ctx.inputs
    if ga is not None and ga._data.shape != a._data.shape:
        ga = F.sum_to(ga, a._data.shape)
    if gb is not None and gb._data.shape != b._data.shape:
        gb = F.sum_to(gb, b._data.shape)
    return ga, gb
