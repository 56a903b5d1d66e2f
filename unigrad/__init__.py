"""unigrad: one deep learning engine with eager autograd on NumPy (CPU) and CuPy (CUDA)."""
from . import _allocator  # noqa: F401  (keeps freed buffers in-process; see the module)
from . import _float_warnings  # noqa: F401  (log(0) is -inf without NumPy's warning, as in torch)
from .errors import (AutogradError, DataError, DeviceError, DtypeError, InvalidArgumentError, InvalidTypeError,
                     OutOfBoundsError, ShapeError, StateDictError,
                     UnigradError)
from .backend import (Device, bool_, float16, float32, float64, get_default_dtype, int8, int16, int32, int64,
                      set_default_dtype, uint8)
from .backend.device import cpu as _cpu, device, get_default_device, set_default_device
from .backend.blas_threads import get_num_threads, set_num_threads
from .core.random import Generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from .core.random import default_generator_for as _default_generator_for
from .autograd import Size, Tensor, as_tensor, enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from . import autograd
from .ops import REGISTRY as ops_registry
from .ops.api import *  # noqa: F401,F403  (every op as ug.<name>, bound as ops register)
from .ops.spec import broadcast_shapes_of  # noqa: F401  (exported since the first release)
from . import accelerator, cuda
from .core.tensor import from_numpy, tensor
from .core.predicates import is_complex, is_floating_point, is_nonzero, is_tensor, numel
from .ops.factory.legacy_tensor import (BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor,  # noqa: F401
                                        HalfTensor, IntTensor, LongTensor, ShortTensor)  # torch's legacy constructors
from . import linalg  # noqa: F401  (torch.linalg's norms)
from .io.serialization import load, save
from .graph.jit import jit
from .graph.control_flow import cond, while_loop
from .graph import graph_call as _graph_call  # noqa: F401  (registers the graph_call op)

default_generator = _default_generator_for(_cpu)  # the CPU's, as torch.default_generator
float = float32
double = float64
half = float16
long = int64
int = int32
bool = bool_

__version__ = "0.1.0"


def __getattr__(name):
    # heavier subpackages load on first use, so `import unigrad` stays fast
    # (onnx, caffe and distributed need their extras: ug.onnx without the onnx package says so)
    if name in ("nn", "optim", "data", "io", "utils", "onnx", "caffe", "distributed"):
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'unigrad' has no attribute {name!r}")
