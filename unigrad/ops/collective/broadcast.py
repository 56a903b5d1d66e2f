"""broadcast: rank `src`'s tensor on every rank of a data-parallel job, as an op, so that a
compiled training step keeps DistributedDataParallel's buffer broadcast (BatchNorm's running
statistics) in its graph. Without a process group (one process) it is a copy."""
from ...backend.process_group import current
from ...errors import InvalidArgumentError
from ..dispatch import dispatch
from ..registry import INTERNAL, Compiled, OpDef, Sample, register
from ..sampling import randn
from ..elementwise.unary import same_infer


def _forward(xp, x, src):
    out = x.copy()
    group = current()
    if group is not None:
        group.broadcast(out, src)
    return out


broadcast_op = OpDef(
    name="broadcast", forward=_forward, infer=same_infer, saves_inputs=False, diff_outputs=(),
    collective=True, compiled=Compiled(fresh=True), variants=INTERNAL,
    samples=lambda: [Sample((randn(3, 4),), {"src": 0})],
    torch_ref=lambda torch, x, src: x.clone(), reference=lambda np, x, src: x.copy())


def broadcast(input, src=0):
    """Rank `src`'s `input` on every rank, out of place (not differentiable: every rank's result
    is one rank's value); a copy in a single process. Eager code broadcasts in place with
    unigrad.distributed.broadcast.

    Example::

        >>> from unigrad.ops.collective.broadcast import broadcast
        >>> broadcast(ug.tensor([1.0, 2.0]), src=0)   # one process: the same values
        tensor([1., 2.])
    """
    if not isinstance(src, int) or src < 0:
        raise InvalidArgumentError(f"broadcast: src must be a rank (an int >= 0), got {src!r}")
    return dispatch(broadcast_op, (input,), {"src": src})


register(broadcast_op, public=broadcast)
