"""Part 1: legacy definitions upgraded as Caffe upgrades them (V0 -> V1 -> current, input fields,
old BatchNorm params, the solver's enum type)."""
import pytest

from unigrad.caffe import NetDefinitionError
from unigrad.caffe.parse import parse_text, read_net, read_solver
from unigrad.caffe.proto import caffe_pb2 as pb
from unigrad.caffe.upgrade import upgrade_net, upgrade_solver

from .conftest import fixture


def test_v1_net_upgrades_to_layers_with_params():
    net = read_net(fixture("lenet_v1.prototxt"))
    assert not len(net.layers) and not len(net.input) and not len(net.input_dim)
    assert [(l.name, l.type) for l in net.layer] == [
        ("input", "Input"), ("conv1", "Convolution"), ("pool1", "Pooling"), ("conv2", "Convolution"),
        ("pool2", "Pooling"), ("ip1", "InnerProduct"), ("relu1", "ReLU"), ("ip2", "InnerProduct"),
        ("prob", "Softmax")]
    assert list(net.layer[0].top) == ["data"] and list(net.layer[0].input_param.shape[0].dim) == [64, 1, 28, 28]
    conv1 = net.layer[1]
    assert [(p.lr_mult, p.decay_mult) for p in conv1.param] == [(1, 1), (2, 0)]
    assert conv1.convolution_param.num_output == 20 and conv1.convolution_param.weight_filler.type == "xavier"
    assert [p.name for p in net.layer[5].param] == ["ip1_w", "ip1_b"]
    assert not net.layer[5].param[0].HasField("lr_mult")


def test_v0_net_upgrades_and_folds_padding():
    net = read_net(fixture("lenet_v0.prototxt"))
    assert [(l.name, l.type) for l in net.layer] == [("input", "Input"), ("conv1", "Convolution"),
                                                     ("pool1", "Pooling"), ("ip1", "InnerProduct"),
                                                     ("drop", "Dropout")]
    conv, pool, ip, drop = net.layer[1:]
    assert list(conv.convolution_param.kernel_size) == [5] and list(conv.convolution_param.stride) == [1]
    assert [p.lr_mult for p in conv.param] == [1, 2]
    assert pool.pooling_param.pad == 1 and list(pool.bottom) == ["conv1"]  # padding folded in
    assert pool.pooling_param.kernel_size == 3 and pool.pooling_param.pool == pb.PoolingParameter.MAX
    assert ip.inner_product_param.bias_term is False and ip.inner_product_param.weight_filler.std == pytest.approx(0.01)
    assert drop.dropout_param.dropout_ratio == 0.25


def test_v0_data_fields_move_into_transform_param():
    net = upgrade_net(parse_text('layers { layer { name: "d" type: "data" source: "db" batchsize: 64 '
                                 'scale: 0.00390625 cropsize: 24 mirror: true meanfile: "m.binaryproto" } '
                                 'top: "data" top: "label" }', pb.NetParameter))
    layer = net.layer[0]
    assert layer.type == "Data" and layer.data_param.source == "db" and layer.data_param.batch_size == 64
    assert not layer.data_param.HasField("scale") and layer.transform_param.scale == pytest.approx(1 / 256)
    assert layer.transform_param.crop_size == 24 and layer.transform_param.mirror
    assert layer.transform_param.mean_file == "m.binaryproto"


def test_input_shape_header_becomes_an_input_layer_in_front():
    net = upgrade_net(parse_text('input: "a" input_shape { dim: 1 dim: 3 } input: "b" input_shape { dim: 2 } '
                                 'layer { name: "r" type: "ReLU" bottom: "a" top: "a" }', pb.NetParameter))
    assert net.layer[0].type == "Input" and list(net.layer[0].top) == ["a", "b"]
    assert [list(s.dim) for s in net.layer[0].input_param.shape] == [[1, 3], [2]]
    # an input list without dims (old caffemodels) is dropped
    net = upgrade_net(parse_text('input: "a" layer { name: "r" type: "ReLU" bottom: "a" top: "a" }', pb.NetParameter))
    assert [l.type for l in net.layer] == ["ReLU"] and not len(net.input)


def test_old_batchnorm_params_are_forced_to_zero():
    net = upgrade_net(parse_text('layer { name: "bn" type: "BatchNorm" param { lr_mult: 1 } param { lr_mult: 1 } '
                                 'param { lr_mult: 1 decay_mult: 1 } }', pb.NetParameter))
    assert [(p.lr_mult, p.decay_mult) for p in net.layer[0].param] == [(0, 0)] * 3


def test_mixing_layer_and_layers_is_refused():
    with pytest.raises(NetDefinitionError, match="both 'layer' and 'layers'"):
        upgrade_net(parse_text('layer { name: "a" type: "ReLU" } layers { name: "b" type: RELU }', pb.NetParameter))


def test_solver_type_enum_becomes_the_type_string(tmp_path):
    solver = read_solver(fixture("lenet_solver_v0.prototxt"))
    assert solver.type == "Nesterov" and not solver.HasField("solver_type")
    assert solver.solver_mode == pb.SolverParameter.CPU
    with pytest.raises(NetDefinitionError, match="cannot both"):
        upgrade_solver(parse_text('solver_type: SGD type: "Adam"', pb.SolverParameter))


def test_snapshot_prefix_derived_as_caffe_does(tmp_path):
    solver = upgrade_solver(pb.SolverParameter(), str(tmp_path / "my_solver.prototxt"))
    assert solver.snapshot_prefix == str(tmp_path / "my_solver")
    folder = tmp_path / "snaps"
    folder.mkdir()
    solver = upgrade_solver(pb.SolverParameter(snapshot_prefix=str(folder)), str(tmp_path / "s.prototxt"))
    assert solver.snapshot_prefix == str(folder / "s")
