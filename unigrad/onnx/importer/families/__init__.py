"""The import rules, one module per ONNX op family; importing this package registers them all."""
from . import (activation, cast, control_flow, elementwise, generator, logical, nn, pooling,  # noqa: F401
               quantization, reduction, resize, sequence, shape, indexing)
