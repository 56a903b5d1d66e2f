"""Which opset an export targets by default: the newest the installed onnxruntime runs."""
import functools

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

MIN_OPSET = 11          # the oldest opset the export rules are written for
WITHOUT_RUNTIME = 21    # the default when onnxruntime is not installed (run by runtimes from 2024 on)


@functools.lru_cache(maxsize=1)
def default_opset():
    """The newest default-domain opset both `onnx` knows and the installed onnxruntime runs
    (probed once with a small model of common ops); WITHOUT_RUNTIME without onnxruntime."""
    newest = onnx.defs.onnx_opset_version()
    try:
        import onnxruntime
    except ImportError:
        return min(newest, WITHOUT_RUNTIME)
    for opset in range(newest, MIN_OPSET - 1, -1):
        if _runs(onnxruntime, opset):
            return opset
    return MIN_OPSET


def _runs(onnxruntime, opset):
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["r"]),
             helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Reshape", ["p", "s"], ["f"]),
             helper.make_node("Gemm", ["f", "g"], ["m"], transB=1),
             helper.make_node("Cast", ["m"], ["k"], to=TensorProto.FLOAT),
             helper.make_node("Softmax", ["k"], ["y"], axis=-1)]
    inits = [numpy_helper.from_array(np.ones((2, 1, 3, 3), np.float32), "w"),
             numpy_helper.from_array(np.array([1, -1], np.int64), "s"),
             numpy_helper.from_array(np.ones((3, 8), np.float32), "g")]
    graph = helper.make_graph(nodes, "probe", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 4, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])], inits)
    model = helper.make_model_gen_version(graph, opset_imports=[helper.make_opsetid("", opset)])
    try:
        session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        session.run(None, {"x": np.ones((1, 1, 4, 4), np.float32)})
        return True
    except Exception:
        return False
