"""Upgrading old net and solver definitions to the current schema, in Caffe's order and with
Caffe's log lines: V0 layers -> V1, data-transformation fields -> transform_param, V1 `layers`
-> `layer`, deprecated `input`/`input_dim`/`input_shape` -> an Input layer, old three-param
BatchNorm definitions, and the solver's `solver_type` enum -> `type` string. Text and binary
nets (.caffemodel) go through the same steps."""
import os

from . import glog
from .errors import NetDefinitionError
from .proto import caffe_pb2 as pb

V1_TYPES = {  # V1LayerParameter.LayerType name -> the current type string
    "NONE": "", "ABSVAL": "AbsVal", "ACCURACY": "Accuracy", "ARGMAX": "ArgMax", "BNLL": "BNLL",
    "CONCAT": "Concat", "CONTRASTIVE_LOSS": "ContrastiveLoss", "CONVOLUTION": "Convolution",
    "DECONVOLUTION": "Deconvolution", "DATA": "Data", "DROPOUT": "Dropout", "DUMMY_DATA": "DummyData",
    "EUCLIDEAN_LOSS": "EuclideanLoss", "ELTWISE": "Eltwise", "EXP": "Exp", "FLATTEN": "Flatten",
    "HDF5_DATA": "HDF5Data", "HDF5_OUTPUT": "HDF5Output", "HINGE_LOSS": "HingeLoss", "IM2COL": "Im2col",
    "IMAGE_DATA": "ImageData", "INFOGAIN_LOSS": "InfogainLoss", "INNER_PRODUCT": "InnerProduct", "LRN": "LRN",
    "MEMORY_DATA": "MemoryData", "MULTINOMIAL_LOGISTIC_LOSS": "MultinomialLogisticLoss", "MVN": "MVN",
    "POOLING": "Pooling", "POWER": "Power", "RELU": "ReLU", "SIGMOID": "Sigmoid",
    "SIGMOID_CROSS_ENTROPY_LOSS": "SigmoidCrossEntropyLoss", "SILENCE": "Silence", "SOFTMAX": "Softmax",
    "SOFTMAX_LOSS": "SoftmaxWithLoss", "SPLIT": "Split", "SLICE": "Slice", "TANH": "TanH",
    "WINDOW_DATA": "WindowData", "THRESHOLD": "Threshold",
}

V0_TYPES = {  # V0 lower-case type -> V1 enum name
    "accuracy": "ACCURACY", "bnll": "BNLL", "concat": "CONCAT", "conv": "CONVOLUTION", "data": "DATA",
    "dropout": "DROPOUT", "euclidean_loss": "EUCLIDEAN_LOSS", "flatten": "FLATTEN", "hdf5_data": "HDF5_DATA",
    "hdf5_output": "HDF5_OUTPUT", "im2col": "IM2COL", "images": "IMAGE_DATA", "infogain_loss": "INFOGAIN_LOSS",
    "innerproduct": "INNER_PRODUCT", "lrn": "LRN", "multinomial_logistic_loss": "MULTINOMIAL_LOGISTIC_LOSS",
    "pool": "POOLING", "relu": "RELU", "sigmoid": "SIGMOID", "softmax": "SOFTMAX", "softmax_loss": "SOFTMAX_LOSS",
    "split": "SPLIT", "tanh": "TANH", "window_data": "WINDOW_DATA",
}

SOLVER_TYPES = ["SGD", "Nesterov", "AdaGrad", "RMSProp", "AdaDelta", "Adam"]  # by SolverType number

# V0 field -> {V0 type: (V1 parameter slot, field)}: where each flat V0 field went
_V0_FIELDS = {
    "num_output": {"conv": ("convolution_param", "num_output"), "innerproduct": ("inner_product_param", "num_output")},
    "biasterm": {"conv": ("convolution_param", "bias_term"), "innerproduct": ("inner_product_param", "bias_term")},
    "weight_filler": {"conv": ("convolution_param", "weight_filler"),
                      "innerproduct": ("inner_product_param", "weight_filler")},
    "bias_filler": {"conv": ("convolution_param", "bias_filler"), "innerproduct": ("inner_product_param", "bias_filler")},
    "pad": {"conv": ("convolution_param", "pad"), "pool": ("pooling_param", "pad")},
    "kernelsize": {"conv": ("convolution_param", "kernel_size"), "pool": ("pooling_param", "kernel_size")},
    "group": {"conv": ("convolution_param", "group")},
    "stride": {"conv": ("convolution_param", "stride"), "pool": ("pooling_param", "stride")},
    "pool": {"pool": ("pooling_param", "pool")},
    "dropout_ratio": {"dropout": ("dropout_param", "dropout_ratio")},
    "local_size": {"lrn": ("lrn_param", "local_size")},
    "alpha": {"lrn": ("lrn_param", "alpha")},
    "beta": {"lrn": ("lrn_param", "beta")},
    "k": {"lrn": ("lrn_param", "k")},
    "source": {"data": ("data_param", "source"), "hdf5_data": ("hdf5_data_param", "source"),
               "images": ("image_data_param", "source"), "window_data": ("window_data_param", "source"),
               "infogain_loss": ("infogain_loss_param", "source")},
    "scale": {"data": ("data_param", "scale"), "images": ("image_data_param", "scale"),
              "window_data": ("window_data_param", "scale")},
    "meanfile": {"data": ("data_param", "mean_file"), "images": ("image_data_param", "mean_file"),
                 "window_data": ("window_data_param", "mean_file")},
    "batchsize": {"data": ("data_param", "batch_size"), "hdf5_data": ("hdf5_data_param", "batch_size"),
                  "images": ("image_data_param", "batch_size"), "window_data": ("window_data_param", "batch_size")},
    "cropsize": {"data": ("data_param", "crop_size"), "images": ("image_data_param", "crop_size"),
                 "window_data": ("window_data_param", "crop_size")},
    "mirror": {"data": ("data_param", "mirror"), "images": ("image_data_param", "mirror"),
               "window_data": ("window_data_param", "mirror")},
    "rand_skip": {"data": ("data_param", "rand_skip"), "images": ("image_data_param", "rand_skip")},
    "shuffle_images": {"images": ("image_data_param", "shuffle")},
    "new_height": {"images": ("image_data_param", "new_height")},
    "new_width": {"images": ("image_data_param", "new_width")},
    "concat_dim": {"concat": ("concat_param", "concat_dim")},
    "det_fg_threshold": {"window_data": ("window_data_param", "fg_threshold")},
    "det_bg_threshold": {"window_data": ("window_data_param", "bg_threshold")},
    "det_fg_fraction": {"window_data": ("window_data_param", "fg_fraction")},
    "det_context_pad": {"window_data": ("window_data_param", "context_pad")},
    "det_crop_mode": {"window_data": ("window_data_param", "crop_mode")},
    "hdf5_output_param": {"hdf5_output": ("hdf5_output_param", None)},
}


def _is_repeated(descriptor):
    repeated = getattr(descriptor, "is_repeated", None)  # protobuf >= 6; `label` before
    return repeated if repeated is not None else descriptor.label == descriptor.LABEL_REPEATED


def _set(msg, field, value):
    """Set a scalar, append to a repeated scalar, or copy a message field."""
    descriptor = msg.DESCRIPTOR.fields_by_name[field]
    if descriptor.message_type is not None:
        getattr(msg, field).CopyFrom(value)
    elif _is_repeated(descriptor):
        getattr(msg, field).append(value)
    else:
        setattr(msg, field, value)


def _upgrade_v0_padding(net, name):
    """Fold each V0 `padding` layer into the conv/pool layer that reads it (Caffe's rule)."""
    layers = list(net.layers)
    producer = {blob: -1 for blob in net.input}
    kept = []
    for i, conn in enumerate(layers):
        v0 = conn.layer
        upgraded = None
        if v0.type != "padding":
            upgraded = pb.V1LayerParameter()
            upgraded.CopyFrom(conn)
            kept.append(upgraded)
        for j, blob in enumerate(conn.bottom):
            if blob not in producer:
                raise NetDefinitionError(f"{name}: unknown blob input '{blob}' to V0 layer '{v0.name}'")
            source = producer[blob]
            if source == -1 or layers[source].layer.type != "padding":
                continue
            pad = layers[source]
            if v0.type not in ("conv", "pool") or len(conn.bottom) != 1 or len(pad.bottom) != 1 or len(pad.top) != 1:
                raise NetDefinitionError(f"{name}: V0 padding layer '{pad.layer.name}' feeds layer '{v0.name}' of type "
                                         f"'{v0.type}'; padding can only be folded into a conv or pool layer with one "
                                         "input")
            if upgraded is not None:
                upgraded.layer.pad = pad.layer.pad
                upgraded.bottom[j] = pad.bottom[0]
        for blob in conn.top:
            producer[blob] = i
    del net.layers[:]
    net.layers.extend(kept)


def _upgrade_v0_layer(conn):
    """One V0 connection (V1LayerParameter wrapping a V0LayerParameter) as a V1 layer."""
    v0 = conn.layer
    out = pb.V1LayerParameter()
    out.bottom.extend(conn.bottom)
    out.top.extend(conn.top)
    compatible = True
    if v0.HasField("name"):
        out.name = v0.name
    if v0.HasField("type"):
        out.type = pb.V1LayerParameter.LayerType.Value(V0_TYPES.get(v0.type, "NONE"))
    out.blobs.extend(v0.blobs)
    out.blobs_lr.extend(v0.blobs_lr)
    out.weight_decay.extend(v0.weight_decay)
    for field, targets in _V0_FIELDS.items():
        if not v0.HasField(field):
            continue
        target = targets.get(v0.type)
        if target is None:
            glog.error(f"Unknown parameter {field} for layer type {v0.type}")
            compatible = False
            continue
        slot, sub = target
        value = getattr(v0, field)
        if sub is None:
            getattr(out, slot).CopyFrom(value)
        elif slot == "pooling_param" and field == "pool":
            out.pooling_param.pool = value  # the enums agree number for number
        else:
            _set(getattr(out, slot), sub, value)
    return out, compatible


def _upgrade_v0(net, name):
    _upgrade_v0_padding(net, name)
    compatible = True
    upgraded = []
    for conn in net.layers:
        layer, ok = _upgrade_v0_layer(conn)
        upgraded.append(layer)
        compatible &= ok
    del net.layers[:]
    net.layers.extend(upgraded)
    return compatible


def _move_transform_fields(layer, slot):
    """scale/mean_file/crop_size/mirror of a data layer's own parameter -> transform_param."""
    moved = False
    if not layer.HasField(slot):
        return False
    param = getattr(layer, slot)
    for field in ("scale", "mean_file", "crop_size", "mirror"):
        if field in param.DESCRIPTOR.fields_by_name and param.HasField(field):
            setattr(layer.transform_param, field, getattr(param, field))
            param.ClearField(field)
            moved = True
    return moved


_TRANSFORM_SLOTS = {"DATA": "data_param", "IMAGE_DATA": "image_data_param", "WINDOW_DATA": "window_data_param",
                    "Data": "data_param", "ImageData": "image_data_param", "WindowData": "window_data_param"}


def _needs_data_upgrade(net):
    for layer in net.layers:
        slot = _TRANSFORM_SLOTS.get(pb.V1LayerParameter.LayerType.Name(layer.type))
        if slot and layer.HasField(slot) and any(getattr(layer, slot).HasField(f) for f in
                                                 ("scale", "mean_file", "crop_size", "mirror")):
            return True
    for layer in net.layer:  # unigrad also moves them in current-format layers, where Caffe ignored them
        slot = _TRANSFORM_SLOTS.get(layer.type)
        if slot and layer.HasField(slot) and any(getattr(layer, slot).HasField(f) for f in
                                                 ("scale", "mean_file", "crop_size", "mirror")):
            return True
    return False


def _upgrade_data_transformation(net):
    for layer in net.layers:
        slot = _TRANSFORM_SLOTS.get(pb.V1LayerParameter.LayerType.Name(layer.type))
        if slot:
            _move_transform_fields(layer, slot)
    for layer in net.layer:
        slot = _TRANSFORM_SLOTS.get(layer.type)
        if slot:
            _move_transform_fields(layer, slot)


_V1_SHARED_SLOTS = [f.name for f in pb.V1LayerParameter.DESCRIPTOR.fields
                    if f.name.endswith("_param") and f.message_type is not None
                    and f.name in pb.LayerParameter.DESCRIPTOR.fields_by_name]


def upgrade_v1_layer(v1):
    """A V1LayerParameter as the current LayerParameter (returns (layer, fully_compatible))."""
    layer = pb.LayerParameter()
    layer.bottom.extend(v1.bottom)
    layer.top.extend(v1.top)
    if v1.HasField("name"):
        layer.name = v1.name
    layer.include.extend(v1.include)
    layer.exclude.extend(v1.exclude)
    if v1.HasField("type"):
        layer.type = V1_TYPES[pb.V1LayerParameter.LayerType.Name(v1.type)]
    layer.blobs.extend(v1.blobs)

    def spec(i):
        while len(layer.param) <= i:
            layer.param.add()
        return layer.param[i]
    for i, name in enumerate(v1.param):
        spec(i).name = name
    for i, mode in enumerate(v1.blob_share_mode):
        spec(i).share_mode = mode  # STRICT/PERMISSIVE agree number for number
    for i, lr in enumerate(v1.blobs_lr):
        spec(i).lr_mult = lr
    for i, decay in enumerate(v1.weight_decay):
        spec(i).decay_mult = decay
    layer.loss_weight.extend(v1.loss_weight)
    for slot in _V1_SHARED_SLOTS:
        if v1.HasField(slot):
            getattr(layer, slot).CopyFrom(getattr(v1, slot))
    compatible = True
    if v1.HasField("layer"):
        glog.error("Input NetParameter has V0 layer -- ignoring.")
        compatible = False
    return layer, compatible


def _upgrade_v1(net, name):
    if len(net.layer):
        raise NetDefinitionError(
            f"{name}: refusing to upgrade an inconsistent NetParameter: the definition has both 'layer' and 'layers' "
            "fields. The current format defines 'layer' fields with string types like layer { type: 'Layer' ... }, "
            "not layers { type: LAYER ... }; switch the whole file to the 'layer' format.")
    compatible = True
    for v1 in net.layers:
        layer, ok = upgrade_v1_layer(v1)
        net.layer.add().CopyFrom(layer)
        compatible &= ok
    net.ClearField("layers")
    return compatible


def _upgrade_input(net):
    has_shape, has_dim = len(net.input_shape) > 0, len(net.input_dim) > 0
    if has_shape or has_dim:
        layer = pb.LayerParameter(name="input", type="Input")
        for i, blob in enumerate(net.input):
            layer.top.append(blob)
            shape = layer.input_param.shape.add()
            if has_shape:
                shape.CopyFrom(net.input_shape[i])
            else:
                shape.dim.extend(net.input_dim[4 * i:4 * i + 4])
        layers = [layer] + list(net.layer)
        del net.layer[:]
        net.layer.extend(layers)
    for field in ("input", "input_dim", "input_shape"):
        net.ClearField(field)


def upgrade_net(net, name="<net>"):
    """Upgrade `net` (a NetParameter) in place to the current format; returns it. `name` is the
    file it came from, for the log and errors."""
    if any(v1.HasField("layer") for v1 in net.layers):
        glog.info(f"Attempting to upgrade input file specified using deprecated V0LayerParameter: {name}")
        if _upgrade_v0(net, name):
            glog.info("Successfully upgraded file specified using deprecated V0LayerParameter")
        else:
            glog.error("Warning: had one or more problems upgrading V0NetParameter to NetParameter (see above); "
                       "continuing anyway.")
    if _needs_data_upgrade(net):
        glog.info(f"Attempting to upgrade input file specified using deprecated transformation parameters: {name}")
        _upgrade_data_transformation(net)
        glog.info("Successfully upgraded file specified using deprecated data transformation parameters.")
    if len(net.layers):
        glog.info(f"Attempting to upgrade input file specified using deprecated V1LayerParameter: {name}")
        if _upgrade_v1(net, name):
            glog.info("Successfully upgraded file specified using deprecated V1LayerParameter")
        else:
            glog.error("Warning: had one or more problems upgrading V1LayerParameter (see above); continuing anyway.")
    if len(net.input):
        glog.info(f"Attempting to upgrade input file specified using deprecated input fields: {name}")
        if len(net.input_shape) and len(net.input_shape) != len(net.input):
            raise NetDefinitionError(f"{name}: {len(net.input)} 'input' entries but {len(net.input_shape)} "
                                     "'input_shape' entries; give one shape per input")
        if not len(net.input_shape) and len(net.input_dim) and len(net.input_dim) != 4 * len(net.input):
            raise NetDefinitionError(f"{name}: {len(net.input)} 'input' entries need {4 * len(net.input)} "
                                     f"'input_dim' values (four per input), got {len(net.input_dim)}")
        _upgrade_input(net)
        glog.info("Successfully upgraded file specified using deprecated input fields.")
    if any(layer.type == "BatchNorm" and len(layer.param) == 3 for layer in net.layer):
        glog.info(f"Attempting to upgrade batch norm layers using deprecated params: {name}")
        for layer in net.layer:
            if layer.type == "BatchNorm" and len(layer.param) == 3:
                for spec in layer.param:
                    spec.lr_mult = 0.0
                    spec.decay_mult = 0.0
        glog.info("Successfully upgraded batch norm layers using deprecated params.")
    return net


def upgrade_solver(solver, path=None):
    """Upgrade a SolverParameter in place: `solver_type` (enum) -> `type` (string), and the
    snapshot prefix derived from the solver file as Caffe derives it. Returns it."""
    where = path or "<solver>"
    if solver.HasField("solver_type"):
        if solver.HasField("type"):
            raise NetDefinitionError(f"{where}: the old solver_type field (enum) and the new type field (string) "
                                     "cannot both be given; keep `type`")
        glog.info(f"Attempting to upgrade input file specified using deprecated 'solver_type' field (enum)': {where}")
        solver.type = SOLVER_TYPES[solver.solver_type]
        solver.ClearField("solver_type")
        glog.info("Successfully upgraded file specified using deprecated 'solver_type' field (enum) to 'type' "
                  "field (string).")
        glog.warning("Note that future Caffe releases will only support 'type' field (string) for a solver's type.")
    if path is not None:
        stem = os.path.splitext(path)[0]
        if not solver.HasField("snapshot_prefix"):
            solver.snapshot_prefix = stem
        elif os.path.isdir(solver.snapshot_prefix):
            solver.snapshot_prefix = os.path.join(solver.snapshot_prefix, os.path.basename(stem))
    return solver
