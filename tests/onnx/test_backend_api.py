"""unigrad.onnx.backend's onnx.backend.base.Backend interface used directly: run_node,
run_model, prepare (by ModelProto or path), supports_device."""
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import unigrad.onnx.backend as backend


def test_run_node_infers_the_output_types():
    node = helper.make_node("Gemm", ["a", "b", "c"], ["y"], transB=1, alpha=2.0)
    a, b, c = (np.random.default_rng(i).standard_normal(s).astype(np.float32) for i, s in
               enumerate([(3, 4), (5, 4), (5,)]))
    y, = backend.run_node(node, [a, b, c])
    np.testing.assert_allclose(y, 2 * a @ b.T + c, rtol=1e-5)
    values, indices = backend.run_node(helper.make_node("TopK", ["x", "k"], ["v", "i"]),
                                       [np.array([[1., 5., 3., 5.]], np.float32), np.array([2])])
    assert values.tolist() == [[5., 5.]] and indices.tolist() == [[1, 3]]  # the lower index first among equals


def test_prepare_and_run_model_take_a_proto_or_a_path(tmp_path):
    info = helper.make_tensor_value_info
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [info("x", TensorProto.FLOAT, ["n"])],
                              [info("y", TensorProto.FLOAT, ["n"])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    path = str(tmp_path / "relu.onnx")
    onnx.save(model, path)
    x = np.array([-1., 2., -3.], np.float32)
    for source in (model, path):
        rep = backend.prepare(source, "CPU")
        assert rep.run([x])[0].tolist() == [0., 2., 0.]
        assert rep.run({"x": x[:2]})[0].tolist() == [0., 2.]
    assert backend.run_model(model, [np.float32(-2.0).reshape(1)])[0].tolist() == [0.]


def test_supports_device():
    assert backend.supports_device("CPU")
    assert not backend.supports_device("TPU")
    pytest.importorskip("unigrad.cuda")
    import unigrad.cuda
    assert backend.supports_device("CUDA") == unigrad.cuda.is_available()
