"""Solver snapshots and restores: <prefix>_iter_<N>.caffemodel + .solverstate (binary proto), or
.caffemodel.h5 + .solverstate.h5 (snapshot_format: HDF5), each written to a temporary file and
renamed, so an interrupted snapshot never leaves a half-written file."""
import os

import numpy as np

from . import glog
from .blob import _host as host_array
from .blobs import array_to_blob, blob_shape, blob_to_array
from .errors import CaffeFileError, WeightsMismatchError
from .parse import atomic_file, atomic_write, read_binary
from .proto import caffe_pb2 as pb
from .weights import save_caffemodel, save_hdf5


def _history_arrays(solver):
    return [host_array(h) for hs in solver.history for h in hs]


def write_snapshot(solver):
    """Snapshot the solver's train net and state; returns (weights path, state path)."""
    p = solver.param
    hdf5 = p.snapshot_format == pb.SolverParameter.HDF5
    if hdf5:
        model = solver.snapshot_filename(".caffemodel.h5")
        glog.info(f"Snapshotting to HDF5 file {model}")
        save_hdf5(solver.net, model, p.snapshot_diff)
    else:
        model = solver.snapshot_filename(".caffemodel")
        glog.info(f"Snapshotting to binary proto file {model}")
        save_caffemodel(solver.net, model, p.snapshot_diff)
    if hdf5:
        state_path = solver.snapshot_filename(".solverstate.h5")
        glog.info(f"Snapshotting solver state to HDF5 file {state_path}")
        _write_hdf5_state(solver, model, state_path)
    else:
        state_path = solver.snapshot_filename(".solverstate")
        glog.info(f"Snapshotting solver state to binary proto file {state_path}")
        state = pb.SolverState(iter=solver.iter, learned_net=model, current_step=solver.current_step)
        for array in _history_arrays(solver):
            array_to_blob(array, blob=state.history.add())
        atomic_write(state_path, state.SerializeToString())
    return model, state_path


def _write_hdf5_state(solver, model, path):
    import h5py
    with atomic_file(path, ".h5.tmp") as tmp, h5py.File(tmp, "w") as f:
        f.create_dataset("iter", data=np.array([solver.iter], np.int32))
        f.create_dataset("learned_net", data=np.bytes_(model))
        f.create_dataset("current_step", data=np.array([solver.current_step], np.int32))
        group = f.create_group("history")
        for i, array in enumerate(_history_arrays(solver)):
            group.create_dataset(str(i), data=array)


def _resolve(learned_net, state_path):
    """Caffe opens learned_net as written (relative to the working folder); if that is gone, the
    file of that name beside the .solverstate is taken."""
    if os.path.exists(learned_net):
        return learned_net
    beside = os.path.join(os.path.dirname(os.path.abspath(state_path)), os.path.basename(learned_net))
    if os.path.exists(beside):
        glog.info(f"learned_net {learned_net} not found from the working folder; using {beside}")
        return beside
    raise CaffeFileError(f"{state_path}: its learned_net '{learned_net}' does not exist (from the working folder "
                         f"{os.getcwd()}, nor beside the state file); run from the folder the solver ran in, or "
                         "put the .caffemodel beside the .solverstate")


def restore_state(solver, path):
    """Load iteration, step, weights and histories from a .solverstate (binary or .h5)."""
    path = os.fspath(path)
    if path.endswith(".h5"):
        iteration, learned, step, history = _read_hdf5_state(path)
    else:
        data = read_binary(path, pb.SolverState)
        if not data.HasField("iter") and len(data.history) == 0:
            raise CaffeFileError(f"{path}: not a .solverstate (no iteration, no history); pass a .caffemodel "
                                 "with --weights instead")
        iteration, learned, step = data.iter, data.learned_net if data.HasField("learned_net") else None, \
            data.current_step
        history = [(blob_shape(b), blob_to_array(b, where=f"{path}: history {i}")) for i, b in enumerate(data.history)]
    expected = sum(len(h) for h in solver.history)
    if len(history) != expected:
        raise WeightsMismatchError(f"{path}: incorrect length of history blobs: {len(history)} in the file, the "
                                   f"{solver.kind} solver of this net keeps {expected} (a .caffemodel given as a "
                                   "snapshot, or a state of another net or solver type)")
    solver.iter, solver.current_step = int(iteration), int(step)
    if learned:
        solver.net.copy_from(_resolve(learned, path))
    glog.info(f"{type(solver).__name__}: restoring history")
    flat = [h for hs in solver.history for h in hs]
    for i, (target, (shape, values)) in enumerate(zip(flat, history)):
        if values.size != int(np.prod(target.shape)):
            raise WeightsMismatchError(f"{path}: history blob {i} has shape {list(shape)}; the parameter it belongs "
                                       f"to is {list(target.shape)}")
        target._data[...] = values.reshape(target.shape) if target.device.type == "cpu" else \
            target.device.xp.asarray(values.reshape(target.shape))
        target._vc[0] += 1


def _read_hdf5_state(path):
    import h5py
    try:
        f = h5py.File(path, "r")
    except OSError as exc:
        raise CaffeFileError(f"{path}: not a readable HDF5 solver state ({exc})") from None
    with f:
        learned = f["learned_net"][()] if "learned_net" in f else None
        if isinstance(learned, bytes):
            learned = learned.decode()
        history = [(f["history"][str(i)].shape, np.asarray(f["history"][str(i)], np.float32))
                   for i in range(len(f["history"]))]
        return int(np.asarray(f["iter"]).reshape(-1)[0]), learned, \
            int(np.asarray(f["current_step"]).reshape(-1)[0]), history
