"""The import rules, one module per ONNX op family; importing this package registers them all."""
from . import (activation, cast, control_flow, elementwise, generator, host, indexing, logical, ml, nn,  # noqa: F401
               pooling, quantization, recurrent, reduction, resize, sequence, shape, signal, training, vision)
