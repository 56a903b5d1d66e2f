""".caffemodel reading and writing (binary NetParameter, and Caffe's HDF5 layout), weights copied
by layer name, and parameter sharing between nets, as Caffe does them.

A .caffemodel written here is a NetParameter with the net's name and every runtime layer's
definition (phase, loss weights, split layers included) with its parameter blobs (`shape` and
packed `data`): the bytes Caffe writes for the same net and values."""
import numpy as np

from . import glog
from .blobs import array_to_blob, blob_shape, blob_to_array, check_fits
from .errors import CaffeFileError, WeightsMismatchError
from .parse import atomic_file, atomic_write, parse_binary
from .proto import caffe_pb2 as pb
from .upgrade import upgrade_net

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        raise CaffeFileError(f"{path}: no such weights file") from None
    except IsADirectoryError:
        raise CaffeFileError(f"{path}: is a directory, not a .caffemodel file") from None
    except OSError as exc:
        raise CaffeFileError(f"{path}: cannot read: {exc.strerror}") from None


def _looks_like_solverstate(data):
    try:
        state = pb.SolverState.FromString(data)
    except Exception:  # not one either
        return False
    return state.HasField("iter") and len(state.history) > 0


def read_caffemodel(path):
    """The upgraded NetParameter in a binary .caffemodel; a .solverstate, a truncated file or a
    foreign one raises CaffeFileError saying which."""
    data = _read(path)
    if data.startswith(HDF5_SIGNATURE):
        raise CaffeFileError(f"{path}: an HDF5 file; read it with copy_from (it handles .caffemodel.h5)")
    try:
        net = parse_binary(data, pb.NetParameter, path)
    except CaffeFileError:
        if _looks_like_solverstate(data):
            raise CaffeFileError(f"{path}: a .solverstate (solver history), not weights; resume training from it "
                                 "with --snapshot, and pass its .caffemodel as weights") from None
        raise
    named = [layer for layer in net.layer if layer.name] + [v1 for v1 in net.layers if v1.name]
    if not named:
        if _looks_like_solverstate(data):
            raise CaffeFileError(f"{path}: a .solverstate (solver history), not weights; resume training from it "
                                 "with --snapshot, and pass its .caffemodel as weights")
        raise CaffeFileError(f"{path}: not a .caffemodel: it holds no named layers ({len(data)} bytes)")
    return upgrade_net(net, path)


def copy_from(net, path):
    """Copy the weights in `path` (a binary .caffemodel or a .caffemodel.h5) into `net`'s layers of
    the same names; other layers keep their fillers' values."""
    data = _read(path)
    if data.startswith(HDF5_SIGNATURE):
        return copy_from_hdf5(net, path)
    copy_from_param(net, read_caffemodel(path), path)


def copy_from_param(net, source, where="<NetParameter>"):
    """Copy the blobs of NetParameter `source` into `net` by layer name (Caffe's rules)."""
    targets = {view.name: view for view in net.layers}
    for layer in source.layer:
        target = targets.get(layer.name)
        if target is None:
            glog.info(f"Ignoring source layer {layer.name}")
            continue
        if len(layer.blobs) != len(target.blobs):
            raise WeightsMismatchError(f"{where}: incompatible number of blobs for layer '{layer.name}': the file has "
                                       f"{len(layer.blobs)}, the net's layer ({target.type}) has {len(target.blobs)}")
        for j, (blob, param) in enumerate(zip(layer.blobs, target.blobs)):
            check_fits(blob_shape(blob), param.shape, layer.name, j)
            values = blob_to_array(blob, where=f"{where}: layer '{layer.name}' blob {j}")
            _assign(param, values.reshape(param.shape))
    net._compiled_state_changed()


def _assign(param_blob, values):
    t = param_blob.tensor
    target = t._data
    if target.shape != tuple(param_blob.shape):
        target = target.reshape(param_blob.shape)
    target[...] = values if t.device.type == "cpu" else t.device.xp.asarray(values)
    t._vc[0] += 1  # a new version: graphs that baked a 0-d parameter in see the change


def net_to_param(net, write_diff=False):
    """The NetParameter Caffe's Net::ToProto writes for `net`."""
    out = pb.NetParameter(name=net.name)
    for layer, view in zip(net.built.layers, net.layers):
        lp = out.layer.add()
        lp.CopyFrom(layer.param)
        lp.ClearField("blobs")
        for blob in view.blobs:
            array_to_blob(blob.data, blob.diff if write_diff else None, lp.blobs.add())
    return out


def save_caffemodel(net, path, write_diff=False):
    """Write `net`'s weights to `path` as Caffe does (temporary file, then rename)."""
    atomic_write(path, net_to_param(net, write_diff).SerializeToString())


# ---- HDF5 (snapshot_format: HDF5) ----------------------------------------------------------
def _h5py():
    try:
        import h5py
    except ImportError:
        raise CaffeFileError("HDF5 weights need the h5py package: pip install h5py") from None
    return h5py


def save_hdf5(net, path, write_diff=False):
    """Caffe's HDF5 weights: group data/<layer>/<blob index>, only owners of shared blobs."""
    h5py = _h5py()
    with atomic_file(path, ".h5.tmp") as tmp, h5py.File(tmp, "w") as f:
        data = f.create_group("data")
        diff = f.create_group("diff") if write_diff else None
        owners_seen = set()
        for layer, view in zip(net.built.layers, net.layers):
            group = data.create_group(layer.name)
            dgroup = diff.create_group(layer.name) if diff is not None else None
            for j, (ref, blob) in enumerate(zip(layer.params, view.blobs)):
                owner = ref.learnable.layer == layer.name and ref.learnable.index == j
                if not owner or id(ref.learnable) in owners_seen:
                    continue
                owners_seen.add(id(ref.learnable))
                group.create_dataset(str(j), data=np.asarray(blob.data, np.float32))
                if dgroup is not None:
                    dgroup.create_dataset(str(j), data=np.asarray(blob.diff, np.float32))


def copy_from_hdf5(net, path):
    """Copy weights from Caffe's HDF5 layout by layer name."""
    h5py = _h5py()
    targets = {view.name: (layer, view) for layer, view in zip(net.built.layers, net.layers)}
    try:
        f = h5py.File(path, "r")
    except OSError as exc:
        raise CaffeFileError(f"{path}: not a readable HDF5 weights file ({exc})") from None
    with f:
        if "data" not in f:
            raise CaffeFileError(f"{path}: an HDF5 file without the 'data' group Caffe's weights have")
        for name in f["data"]:
            if name not in targets:
                glog.info(f"Ignoring source layer {name}")
                continue
            layer, view = targets[name]
            group = f["data"][name]
            if len(group) > len(view.blobs):
                raise WeightsMismatchError(f"{path}: incompatible number of blobs for layer '{name}': the file has "
                                           f"{len(group)}, the net's layer has {len(view.blobs)}")
            for j, (ref, blob) in enumerate(zip(layer.params, view.blobs)):
                if str(j) not in group:
                    if ref.learnable.layer != name or ref.learnable.index != j:
                        continue  # shared in the net: its owner brings it
                    raise WeightsMismatchError(f"{path}: incompatible number of blobs for layer '{name}': blob {j} "
                                               "is missing")
                values = np.asarray(group[str(j)], dtype=np.float32)
                check_fits(values.shape, blob.shape, name, j)
                _assign(blob, values.reshape(blob.shape))
    net._compiled_state_changed()


def share_trained_layers(source, target):
    """Make `target`'s layers use `source`'s parameter blobs for layers of the same name (Caffe's
    ShareTrainedLayersWith: test nets share the train net's weights)."""
    layers = {layer.name: layer for layer in source.built.layers}
    for layer in target.built.layers:
        src = layers.get(layer.name)
        if src is None or not layer.params:
            continue
        if len(src.params) != len(layer.params):
            raise WeightsMismatchError(f"incompatible number of blobs for layer '{layer.name}': {len(src.params)} "
                                       f"in the source net, {len(layer.params)} here")
        for j, (mine, theirs) in enumerate(zip(layer.params, src.params)):
            if mine.shape != theirs.shape:
                raise WeightsMismatchError(f"cannot share param {j} of layer '{layer.name}': shape mismatch "
                                           f"({list(theirs.shape)} in the source net, {list(mine.shape)} here)")
            mine.learnable = theirs.learnable
    target.built.learnables = [r.learnable for layer in target.built.layers for r in layer.params]
    target._compiled_state_changed()
