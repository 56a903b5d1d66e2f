"""`unigrad onnx info|check|run`, and bad input: truncated or non-ONNX files, cycles, dangling
inputs, unknown ops, inputs of the wrong name/shape/dtype, missing external data, pickled
arrays; each one error that names the file, node or input and what was expected."""
import os
import subprocess
import sys

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import unigrad as ug
import unigrad.onnx  # noqa: F401
from unigrad.cli import main

from . import models

info = helper.make_tensor_value_info


@pytest.fixture
def lenet_file(tmp_path):
    path = str(tmp_path / "lenet.onnx")
    ug.onnx.export(models.build("lenet"), models.example("lenet", 2), path, input_names=["x"], output_names=["y"],
                   dynamic_axes={"x": {0: "batch"}})
    return path


def test_info_lists_inputs_outputs_opset_ops_and_parameters(lenet_file, capsys):
    assert main(["onnx", "info", lenet_file]) == 0
    text = capsys.readouterr().out
    assert "x: float[batch, 1, 28, 28]" in text and "y: float[batch, 10]" in text
    assert f"ai.onnx {ug.onnx.default_opset()}" in text
    n_params = sum(p.numel() for p in models.build("lenet").parameters())
    assert f"parameters: {n_params:,} in 10 initializers" in text
    assert "Conv                        2" in text and "Gemm                        3" in text
    assert "unsupported: none" in text


def test_info_and_check_name_the_unsupported_nodes(tmp_path, capsys):
    nodes = [helper.make_node("Relu", ["x"], ["a"], name="r"), helper.make_node("Frobnicate", ["a"], ["y"],
                                                                                  name="odd", domain="com.example")]
    graph = helper.make_graph(nodes, "g", [info("x", TensorProto.FLOAT, [2])], [info("y", TensorProto.FLOAT, [2])])
    path = str(tmp_path / "odd.onnx")
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                      helper.make_opsetid("com.example", 1)]), path)
    assert main(["onnx", "info", path]) == 0
    assert "unsupported: odd (Frobnicate of com.example, opset 1)" in capsys.readouterr().out
    assert main(["onnx", "check", path]) == 1
    assert "odd (Frobnicate of com.example, opset 1)" in capsys.readouterr().err


def test_check_passes_a_good_file_and_reports_the_checker(lenet_file, tmp_path, capsys):
    assert main(["onnx", "check", lenet_file]) == 0
    assert "OK" in capsys.readouterr().out
    bad = helper.make_model(helper.make_graph([helper.make_node("Relu", ["x"], ["y"], bogus=1)], "g",
                                              [info("x", TensorProto.FLOAT, [2])], [info("y", TensorProto.FLOAT, [2])]),
                            opset_imports=[helper.make_opsetid("", 17)])
    path = str(tmp_path / "bad.onnx")
    onnx.save(bad, path)
    assert main(["onnx", "check", path]) == 1
    assert "Unrecognized attribute: bogus" in capsys.readouterr().err


def test_run_reads_npy_and_writes_the_outputs(lenet_file, tmp_path, capsys):
    x = models.example("lenet", 3, seed=5)
    np.save(tmp_path / "x.npy", x.numpy())
    out = str(tmp_path / "y.npy")
    assert main(["onnx", "run", lenet_file, "--input", str(tmp_path / "x.npy"), "--output", out]) == 0
    assert "y: float32[3, 10]" in capsys.readouterr().out
    with ug.no_grad():
        np.testing.assert_allclose(np.load(out), models.build("lenet")(x).numpy(), rtol=1e-5, atol=1e-6)
    assert main(["onnx", "run", lenet_file, "--input", f"x={tmp_path / 'x.npy'}", "--output",
                 str(tmp_path / "y.npz")]) == 0
    assert np.load(tmp_path / "y.npz")["y"].shape == (3, 10)


def test_the_unigrad_command_runs_onnx_info(lenet_file):
    done = subprocess.run([sys.executable, "-m", "unigrad.cli", "onnx", "info", lenet_file], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and "Conv" in done.stdout, done.stderr


def test_run_refuses_pickled_arrays_and_wrong_inputs(lenet_file, tmp_path, capsys):
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    assert main(["onnx", "run", lenet_file, "--input", str(tmp_path / "obj.npy")]) == 1
    assert "without pickled objects" in capsys.readouterr().err
    np.save(tmp_path / "small.npy", np.zeros((2, 1, 14, 14), np.float32))
    assert main(["onnx", "run", lenet_file, "--input", str(tmp_path / "small.npy")]) == 1
    err = capsys.readouterr().err
    assert "input 'x' expects shape x: float32[batch, 1, 28, 28]" in err and "got [2, 1, 14, 14]" in err
    assert "Traceback" not in err


def test_truncated_and_non_onnx_files_are_named(lenet_file, tmp_path):
    data = open(lenet_file, "rb").read()
    cut = tmp_path / "cut.onnx"
    cut.write_bytes(data[:len(data) // 3])
    with pytest.raises(ug.onnx.OnnxImportError, match=r"cut.onnx' is not an ONNX model, or it is truncated"):
        ug.onnx.load(str(cut))
    text = tmp_path / "notes.onnx"
    text.write_text("this is not a model\n" * 10)
    with pytest.raises(ug.onnx.OnnxImportError, match=r"notes.onnx'.*not an ONNX model"):
        ug.onnx.load(str(text))
    with pytest.raises(ug.onnx.OnnxImportError, match=r"missing.onnx': no such file"):
        ug.onnx.load(str(tmp_path / "missing.onnx"))


def _graph_model(nodes):
    graph = helper.make_graph(nodes, "g", [info("x", TensorProto.FLOAT, [2])], [info("y", TensorProto.FLOAT, [2])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def test_a_cycle_and_a_dangling_input_name_the_node():
    cycle = _graph_model([helper.make_node("Add", ["x", "b"], ["a"], name="first"),
                          helper.make_node("Relu", ["a"], ["b"], name="second"),
                          helper.make_node("Identity", ["b"], ["y"], name="third")])
    with pytest.raises(ug.onnx.OnnxImportError, match=r"node 'first' \(Add\) reads 'b', which node 'second' computes "
                                                      r"later: the graph has a cycle"):
        ug.onnx.load(cycle)
    dangling = _graph_model([helper.make_node("Add", ["x", "ghost"], ["y"], name="adder")])
    with pytest.raises(ug.onnx.OnnxImportError, match=r"node 'adder' \(Add\) reads 'ghost', which no graph input.*"
                                                      r"dangling input"):
        ug.onnx.load(dangling)


def test_inputs_of_the_wrong_name_shape_or_dtype_say_what_the_model_expects(lenet_file):
    net = ug.onnx.load(lenet_file)
    x = models.example("lenet", 2).numpy()
    with pytest.raises(ug.onnx.OnnxInputError, match=r"no input 'images' \(its inputs: x: float32\[batch, 1, 28, 28\]"):
        net(images=x)
    with pytest.raises(ug.onnx.OnnxInputError, match=r"input 'x' expects float32, got float64"):
        net(x.astype(np.float64))
    with pytest.raises(ug.onnx.OnnxInputError, match=r"input 'x' expects shape .*got \[2, 28, 28\]"):
        net(x[:, 0])
    with pytest.raises(ug.onnx.OnnxInputError, match=r"missing input\(s\) \['x'\]"):
        net()


def test_loading_runs_no_code_from_the_file(tmp_path):
    """ONNX files are protobuf: a file claiming to be a pickle is just not ONNX."""
    payload = tmp_path / "evil.onnx"
    marker = tmp_path / "ran"
    payload.write_bytes(b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR.")
    with pytest.raises(ug.onnx.OnnxImportError):
        ug.onnx.load(str(payload))
    assert not os.path.exists(marker)
