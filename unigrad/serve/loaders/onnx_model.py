"""ONNX files (`model.onnx`), run by `unigrad.onnx.load` (compiled as ug.jit compiles, sizes
generalised across calls).

The batch axis is free when axis 0 of every input and output is symbolic (a dim_param such as
"N", or unknown) and a probe at two batch sizes gives outputs with those many rows. A model.onnx
beside a saved graph is not this loader's (the graph serves; the web page runs the .onnx)."""
import numpy as np

from ...core.grad_mode import no_grad
from ...core.tensor import Tensor
from ..errors import ModelLoadError
from ..model import Runner, TensorSpec
from . import Loader, register


class OnnxRunner(Runner):
    """Runs an imported ONNX model on NumPy arrays."""
    platform = "onnx_onnxv1"

    def __init__(self, path, device):
        try:
            from ... import onnx as ug_onnx  # only when an ONNX model is served
        except ImportError as exc:
            raise ModelLoadError(f"{path}: serving ONNX files needs the onnx package ({exc}); "
                                 "pip install 'unigrad[onnx]'") from None
        try:
            self.model = ug_onnx.load(path, device=device)
        except Exception as exc:  # the importer's errors name the file and list the unsupported nodes
            raise ModelLoadError(str(exc) if path in str(exc) else f"{path}: {exc}") from None
        self.files = (path,)
        self.inputs = tuple(_spec(path, s, "input") for s in self.model.inputs)
        outputs = [_spec(path, s, "output") for s in self.model.outputs]
        if not self.inputs:
            raise ModelLoadError(f"{path}: the model has no inputs to feed (every graph input is an initializer)")
        self.batch_axis = all(s.shape and s.shape[0] == -1 for s in self.inputs + tuple(outputs)) and \
            self._probe_batch(path)
        self.outputs = tuple(outputs)

    def _probe_batch(self, path):
        """Whether batches of 1 and 2 rows give outputs of 1 and 2 rows (other free sizes: 1)."""
        for rows in (1, 2):
            arrays = [np.zeros((rows,) + tuple(1 if d == -1 else d for d in s.shape[1:]), s.dtype)
                      for s in self.inputs]
            try:
                outs = self.run(arrays)
            except Exception:  # e.g. a size the model needs that 1 does not fit: served without batching
                return False
            if any(o.ndim == 0 or o.shape[0] != rows for o in outs):
                return False
        return True

    def run(self, arrays):
        with no_grad():
            result = self.model(*[np.ascontiguousarray(a) for a in arrays])
        flat = result if isinstance(result, tuple) else (result,)
        return [t.detach().cpu().numpy() if isinstance(t, Tensor) else np.asarray(t) for t in flat]


def _spec(path, spec, kind):
    if spec.kind != "tensor" or spec.dtype is None:
        raise ModelLoadError(f"{path}: {kind} '{spec.name}' is a {spec.kind}{'' if spec.dtype else ' of unknown type'}"
                             "; the server serves models whose inputs and outputs are typed tensors")
    if spec.shape is None:
        raise ModelLoadError(f"{path}: {kind} '{spec.name}' has no shape (unknown rank); give the graph's "
                             f"{kind}s a shape, with a dim_param such as 'N' for sizes that vary")
    try:
        dtype = np.dtype(spec.dtype.name)
    except TypeError:
        raise ModelLoadError(f"{path}: {kind} '{spec.name}' is {spec.dtype.name}, which the protocols cannot "
                             "carry") from None
    return TensorSpec(spec.name, dtype, tuple(d if isinstance(d, int) and d > 0 else -1 for d in spec.shape))


register(Loader("onnx_onnxv1", (".onnx",), OnnxRunner, package="unigrad.onnx"))
