"""Caffe's multi-GPU training semantics over unigrad.distributed (MPI ranks on the CPU, NCCL on
GPUs): `unigrad caffe train --solver=S -n 4`.

As in Caffe 1.0 with NCCL: every rank runs the solver's net with its own batch of the solver's
batch size (so the effective batch is N times larger); a TRAIN Data layer keeps record k of the
database on rank k mod N; the root's initial weights are broadcast; after each backward the
gradients are averaged over the ranks, then every rank applies the same update; random_seed is
offset by the rank (different dropout masks); only the root tests, logs and snapshots. A signal
that one rank sees (SIGINT/SIGHUP) is agreed on by all at the end of the iteration."""
import os
import subprocess

import numpy as np

from ..backend import process_group as _pg
from .errors import CaffeError

WORKER = "UNIGRAD_CAFFE_RANKS"  # set in the ranks `train -n N` starts: the N they were started as


def group():
    """The job's process group when training on several ranks, else None."""
    g = _pg.current()
    return g if g is not None and g.size > 1 else None


def rank():
    return _pg.rank()


def is_root():
    return _pg.rank() == 0


def shard(phase):
    """(rank, ranks) for a data layer: TRAIN layers split the records, TEST layers read them all."""
    from .proto import caffe_pb2 as pb
    g = group()
    if g is None or phase != pb.TRAIN:
        return 0, 1
    return g.rank, g.size


def broadcast_learnables(solver):
    """Every rank starts from the root's weights."""
    from ..distributed import broadcast
    for learnable in solver.learnables:
        broadcast(learnable.tensor, 0)


def average(tensors):
    """Average the accumulated gradients over the ranks, in place."""
    from ..distributed import ReduceOp, all_reduce
    for t in tensors:
        all_reduce(t, ReduceOp.AVG)


_CODES = {None: 0, "snapshot": 1, "stop": 2}


def agree(request):
    """The strongest request any rank has (stop > snapshot > none), on every rank."""
    g = group()
    if g is None:
        return request
    flag = np.array([_CODES[request]], np.int32)
    g.all_reduce(flag, "max")
    return {v: k for k, v in _CODES.items()}[int(flag[0])]


def launch(nproc, argv):
    """Start `unigrad caffe <argv>` on `nproc` MPI ranks; returns the job's exit status."""
    from ..distributed.launch import command
    from .. import distributed
    if not distributed.is_mpi_available():
        raise CaffeError("train -n: data-parallel training needs mpi4py and an MPI library (pip install mpi4py "
                         "mpich)")
    env = dict(os.environ, **{WORKER: str(nproc), "UNIGRAD_OUTPUT_RANKS": "0"})
    try:
        argv = command(nproc, "unigrad.cli", ["caffe"] + list(argv), module=True)
    except SystemExit as exc:  # no mpiexec
        raise CaffeError(str(exc)) from None
    return subprocess.run(argv, env=env, stdin=subprocess.DEVNULL).returncode


def join(nproc, cuda):
    """In a rank started by `launch`: join the job's process group and check its size."""
    from .. import distributed
    g = distributed.init_process_group("nccl" if cuda else "mpi")
    if g.size != nproc:
        raise CaffeError(f"train -n {nproc}: this rank is in a job of {g.size} processes; start it with "
                         f"`unigrad caffe train -n {nproc}` (not mpiexec directly with another -n)")
    return g


def argv_without_n(values, flags):
    """The train command line for the ranks: every flag that differs from its default, except -n."""
    out = ["train"]
    for f in flags:
        if f.name != "n" and values[f.name] != f.default:
            out.append(f"--{f.name}={values[f.name]}")
    return out
