"""all_reduce: a tensor combined across the ranks of a data-parallel job (sum or mean), as an op,
so that compiled training steps keep their gradients' reduction in the graph. Without a process
group (one process) it is a copy."""
from ...backend.process_group import ReduceOp, current
from ...errors import InvalidArgumentError
from ..dispatch import dispatch
from ..registry import INTERNAL, Compiled, OpDef, Sample, register
from ..sampling import randn
from ..elementwise.unary import same_infer


def _forward(xp, x, op):
    out = x.copy()
    group = current()
    if group is not None:
        group.all_reduce(out, op)
    return out


def _backward(ctx, g):
    # y = sum over ranks of x (or the mean): every rank's x reaches every rank's y, so the
    # gradient of each x is the same reduction of every rank's g
    return (all_reduce(g, ctx.attrs["op"]),)


all_reduce_op = OpDef(
    name="all_reduce", forward=_forward, backward=_backward, infer=same_infer, saves_inputs=False,
    collective=True, compiled=Compiled(fresh=True), variants=INTERNAL,
    samples=lambda: [Sample((randn(3, 4),), {"op": ReduceOp.SUM}), Sample((randn(5),), {"op": ReduceOp.AVG})],
    torch_ref=lambda torch, x, op: x.clone(), reference=lambda np, x, op: x.copy())


def all_reduce(input, op=ReduceOp.SUM):
    """input summed (op="sum") or averaged (op="avg") over the job's ranks, out of place and
    differentiable; a copy in a single process. DistributedDataParallel puts these in compiled
    training steps; eager code reduces in place with unigrad.distributed.all_reduce.

    Example::

        >>> from unigrad.ops.collective.all_reduce import all_reduce
        >>> all_reduce(ug.tensor([1.0, 2.0]), "avg")   # one process: the same values
        tensor([1., 2.])
    """
    if op not in (ReduceOp.SUM, ReduceOp.AVG):
        raise InvalidArgumentError(f"all_reduce: a differentiable reduction is 'sum' or 'avg', got {op!r}")
    return dispatch(all_reduce_op, (input,), {"op": op})


register(all_reduce_op, public=all_reduce)
