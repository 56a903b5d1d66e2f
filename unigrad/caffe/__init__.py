"""Caffe's front door: prototxt nets and solvers, .caffemodel/.solverstate files, LMDB/HDF5/image
data, pycaffe's Net and solvers, and Caffe's command line (`unigrad caffe ...`).

    from unigrad import caffe
    net = caffe.Net("deploy.prototxt", "weights.caffemodel", caffe.TEST)
    solver = caffe.get_solver("solver.prototxt"); solver.solve()
    model = caffe.to_module("deploy.prototxt", "weights.caffemodel")   # a unigrad nn.Module

Layers are small mappers to registry ops (unigrad/caffe/layers/); nets run as compiled graphs.
"""
from . import glog  # noqa: F401  (installs Caffe's log format on import, as pycaffe logs)
from .errors import CaffeError, CaffeFileError, LayerShapeError, NetDefinitionError, WeightsMismatchError
from .mode import set_device, set_mode_cpu, set_mode_gpu
from .net import TEST, TRAIN, Net
from .proto import caffe_pb2
from .python_layer import Layer
from .rng import set_random_seed

__all__ = ["Net", "Layer", "TRAIN", "TEST", "set_mode_cpu", "set_mode_gpu", "set_device", "set_random_seed", "caffe_pb2",
           "get_solver", "SGDSolver", "NesterovSolver", "AdaGradSolver", "RMSPropSolver", "AdaDeltaSolver",
           "AdamSolver", "to_module", "io", "CaffeError", "CaffeFileError", "NetDefinitionError",
           "WeightsMismatchError", "LayerShapeError", "layer_type_list"]


def __getattr__(name):
    # the solver, module bridge and io helpers load on first use
    if name in ("get_solver", "SGDSolver", "NesterovSolver", "AdaGradSolver", "RMSPropSolver", "AdaDeltaSolver",
                "AdamSolver", "Solver"):
        from . import solver
        return getattr(solver, name)
    if name == "to_module":
        from .module import to_module
        return to_module
    if name == "io":  # `from . import io` here would ask this hook for 'io' again
        import importlib
        return importlib.import_module(".io", __name__)
    raise AttributeError(f"module 'unigrad.caffe' has no attribute {name!r}")


def layer_type_list():
    """The Caffe layer types this front door builds (pycaffe's ``caffe.layer_type_list()``)."""
    from .layers import LAYER_TYPES
    return sorted(LAYER_TYPES)
