"""Part 1: prototxt parsing (text format quirks Caffe files use) and errors that name the file,
line, field and layer."""
import pytest

from unigrad.caffe import CaffeFileError
from unigrad.caffe.parse import parse_text, read_binary, read_net, read_solver, read_text
from unigrad.caffe.proto import caffe_pb2 as pb

from .conftest import fixture


def test_caffe_text_format_quirks():
    solver = parse_text("""
        # comment
        net: 'single quotes'
        test_state: { stage: 'test-on-train' }
        test_iter: [100, 600]
        solver_mode: 0
        stepvalue: 5000 stepvalue: 7000
        """, pb.SolverParameter)
    assert solver.net == "single quotes" and list(solver.test_iter) == [100, 600]
    assert solver.test_state[0].stage == ["test-on-train"] and solver.solver_mode == pb.SolverParameter.CPU
    assert list(solver.stepvalue) == [5000, 7000] and solver.HasField("solver_mode")
    net = parse_text('layer { name: "d" type: "Data" transform_param { mean_value: [103.94, 116.78, 123.68] } '
                     'top: "data" bottom: "x" top: "y" }', pb.NetParameter)
    assert list(net.layer[0].top) == ["data", "y"] and len(net.layer[0].transform_param.mean_value) == 3


def test_fixture_definitions_read():
    net = read_net(fixture("lenet_train_test.prototxt"))
    assert net.name == "LeNet" and len(net.layer) == 11
    assert net.layer[1].include[0].phase == pb.TEST
    solver = read_solver(fixture("lenet_solver.prototxt"))
    assert solver.type == "SGD" and not solver.HasField("solver_type") and solver.max_iter == 10000


def test_unknown_field_names_file_line_field_and_layer(tmp_path):
    path = tmp_path / "bad.prototxt"
    path.write_text('name: "x"\nlayer {\n  name: "conv1"\n  type: "Convolution"\n  convolution_param {\n'
                    '    num_outputs: 20\n  }\n}\n')
    with pytest.raises(CaffeFileError) as err:
        read_net(str(path))
    message = str(err.value)
    assert f"{path}:6:" in message and "num_outputs" in message and "conv1" in message
    assert "ConvolutionParameter" in message and "unigrad_caffe" not in message


def test_syntax_error_names_line(tmp_path):
    path = tmp_path / "bad.prototxt"
    path.write_text('layer {\n  name: "a"\n  type: "ReLU"\n')  # unclosed brace: found at the end
    with pytest.raises(CaffeFileError, match=r"bad.prototxt:3:\d+: .*Expected \"}\"\. "):
        read_net(str(path))
    path.write_text('layer { name: "p" type: "Pooling" pooling_param { pool: MAXX } }')
    with pytest.raises(CaffeFileError, match=r"bad.prototxt:1:\d+: .*layer 'p'.*MAXX"):
        read_net(str(path))


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(CaffeFileError, match="no such file"):
        read_net(str(tmp_path / "nope.prototxt"))
    with pytest.raises(CaffeFileError, match="not a text file|cannot parse"):
        read_text(fixture("lenet_iter_5000.caffemodel"), pb.NetParameter)


def test_truncated_binary_is_a_clear_error(tmp_path):
    data = open(fixture("lenet_iter_5000.caffemodel"), "rb").read()
    path = tmp_path / "cut.caffemodel"
    path.write_bytes(data[:100001])
    with pytest.raises(CaffeFileError, match="truncated"):
        read_binary(str(path), pb.NetParameter)
