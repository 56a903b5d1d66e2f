"""Part 1: the schema. Real Caffe files decode and re-encode to the same bytes; the field
numbers, packing and presence rules are Caffe's."""
import hashlib

import numpy as np
import pytest

from unigrad.caffe.proto import caffe_pb2 as pb

from .conftest import fixture


@pytest.mark.parametrize("name,message", [("lenet_iter_5000.caffemodel", pb.NetParameter),
                                          ("lenet_iter_10000.caffemodel", pb.NetParameter),
                                          ("lenet_iter_5000.solverstate", pb.SolverState)])
def test_real_caffe_files_reencode_byte_for_byte(name, message):
    data = open(fixture(name), "rb").read()
    assert message.FromString(data).SerializeToString() == data


def test_zeroed_lenet_snapshot_has_the_reference_digest():
    """Two independent Caffe builds wrote files identical once the floats are zeroed (reference §1.6)."""
    net = pb.NetParameter.FromString(open(fixture("lenet_iter_10000.caffemodel"), "rb").read())
    for layer in net.layer:
        for blob in layer.blobs:
            blob.data[:] = [0.0] * len(blob.data)
    assert hashlib.sha1(net.SerializeToString()).hexdigest() == "4060e0e3350866672818bbcb0a9ce719c2c315f0"


def test_snapshot_contents_are_caffes():
    net = pb.NetParameter.FromString(open(fixture("lenet_iter_10000.caffemodel"), "rb").read())
    assert net.name == "LeNet"
    assert [(l.name, l.type) for l in net.layer] == [
        ("mnist", "Data"), ("conv1", "Convolution"), ("pool1", "Pooling"), ("conv2", "Convolution"),
        ("pool2", "Pooling"), ("ip1", "InnerProduct"), ("relu1", "ReLU"), ("ip2", "InnerProduct"),
        ("loss", "SoftmaxWithLoss")]
    assert [list(b.shape.dim) for b in net.layer[5].blobs] == [[500, 800], [500]]
    assert net.layer[0].phase == pb.TRAIN and net.layer[0].HasField("phase")
    assert list(net.layer[-1].loss_weight) == [1.0]
    state = pb.SolverState.FromString(open(fixture("lenet_iter_5000.solverstate"), "rb").read())
    assert (state.iter, state.learned_net, len(state.history), state.current_step) == \
        (5000, "examples/mnist/lenet_iter_5000.caffemodel", 8, 0)


def test_wire_anchors():
    # the first bytes of a Caffe LeNet snapshot (reference §1.6)
    data = open(fixture("lenet_iter_10000.caffemodel"), "rb").read()
    assert data.startswith(bytes.fromhex("0a054c654e6574a20650") + b"\x0a\x05mnist\x12\x04Data")
    # packed only where the schema says so: BlobShape.dim and BlobProto.data
    blob = pb.BlobProto()
    blob.shape.dim.extend([2, 3])
    blob.data.extend([1.0, 2.0])
    assert blob.SerializeToString() == bytes.fromhex("2a08") + np.float32([1, 2]).tobytes() + bytes.fromhex("3a040a020203")
    conv = pb.ConvolutionParameter()
    conv.kernel_size.extend([3, 5])  # repeated uint32, unpacked: one tag per value
    assert conv.SerializeToString() == bytes.fromhex("20032005")
    # an explicitly set default is written (presence, proto2)
    rule = pb.NetStateRule(phase=pb.TRAIN)
    assert rule.SerializeToString() == bytes.fromhex("0800")
    # an MNIST Datum record is 795 bytes
    datum = pb.Datum(channels=1, height=28, width=28, data=bytes(784), label=7)
    raw = datum.SerializeToString()
    assert len(raw) == 795 and raw.startswith(bytes.fromhex("0801101c181c229006")) and raw.endswith(b"\x28\x07")


def test_unpacked_and_packed_repeated_fields_both_read():
    packed = bytes.fromhex("0a03") + bytes([3, 4, 5])  # BlobShape.dim packed
    unpacked = bytes([0x08, 3, 0x08, 4, 0x08, 5])
    assert list(pb.BlobShape.FromString(packed).dim) == list(pb.BlobShape.FromString(unpacked).dim) == [3, 4, 5]


def test_defaults_and_enum_values_are_caffes():
    assert pb.ParamSpec().lr_mult == 1.0 and pb.ParamSpec().decay_mult == 1.0
    assert pb.FillerParameter().type == "constant" and pb.FillerParameter().std == 1.0
    assert pb.SolverParameter().solver_mode == pb.SolverParameter.GPU
    assert pb.SolverParameter().random_seed == -1 and pb.SolverParameter().snapshot_after_train
    assert pb.LRNParameter().beta == 0.75 and pb.BatchNormParameter().moving_average_fraction == pytest.approx(0.999)
    assert pb.DataParameter().backend == pb.DataParameter.LEVELDB
    assert pb.PoolingParameter().round_mode == pb.PoolingParameter.CEIL
    assert pb.NetState().phase == pb.TEST and pb.Phase.Name(0) == "TRAIN"
    assert pb.LossParameter().normalization == pb.LossParameter.VALID
    assert pb.V1LayerParameter.LayerType.Value("SOFTMAX_LOSS") == 21


def test_descriptor_matches_the_proto_source():
    """descriptor_set.py is caffe.proto compiled (regenerate with python -m unigrad.caffe.proto.regenerate)."""
    pytest.importorskip("grpc_tools")
    from unigrad.caffe.proto import regenerate
    assert regenerate.main(["--check"]) == 0
