"""What the server knows about one loaded model version, whatever its file format.

A loader (`loaders/`) turns files into a `Runner`: tensor specs in the file's own names and a
`run(arrays) -> arrays` in input/output order. `ServedModel` puts the config's names and
image preprocessing on top and knows whether requests can be merged along a batch axis.
"""
import dataclasses

import numpy as np

from .config import DEFAULT_MAX_BATCH_SIZE
from .datatypes import kserve_datatype
from .errors import ConfigError


@dataclasses.dataclass(frozen=True)
class TensorSpec:
    """A model input or output: name, NumPy dtype, shape with -1 for a size that may vary."""
    name: str
    dtype: np.dtype
    shape: tuple

    @property
    def datatype(self):
        return kserve_datatype(self.dtype)

    def describe(self):
        return f"{self.datatype}[{', '.join(str(d) for d in self.shape)}]"


class Runner:
    """A loaded model in one file format. Subclasses set the fields and implement run()."""
    platform = "unknown"       # KServe's <project>_<format> platform string
    inputs = ()                # TensorSpecs
    outputs = ()
    batch_axis = False         # axis 0 of every input and output is one batch size, free to vary
    files = ()                 # the files it was loaded from

    def run(self, arrays):
        """Outputs (NumPy arrays, in self.outputs order) for inputs in self.inputs order."""
        raise NotImplementedError

    def close(self):
        """Free what the model holds (device memory pools)."""


class ServedModel:
    """One version as the protocols see it: specs renamed by the config, batching limits."""

    def __init__(self, name, version, runner, config):
        self.name, self.version, self.runner, self.config = name, version, runner, config
        self.inputs = _renamed(runner.inputs, config.inputs, "input")
        self.outputs = _renamed(runner.outputs, config.outputs, "output")
        self.input_index = {s.name: i for i, s in enumerate(self.inputs)}
        self.output_index = {s.name: i for i, s in enumerate(self.outputs)}
        self.image = {s.name: c.image for s, c in zip(self.inputs, config.inputs) if c.image is not None}
        self.labels = {s.name: c.labels for s, c in zip(self.outputs, config.outputs) if c.labels is not None}
        if runner.batch_axis:
            top = config.max_batch_size
            self.max_batch_size = DEFAULT_MAX_BATCH_SIZE if top is None else top
        elif config.max_batch_size:
            raise ConfigError(f"{config.source}: max_batch_size = {config.max_batch_size}, but this model cannot "
                              f"batch: its inputs {[s.describe() for s in runner.inputs]} and outputs "
                              f"{[s.describe() for s in runner.outputs]} do not share a free batch axis 0 (save "
                              "it with ug.jit.trace(..., dynamic_batch=True), or set max_batch_size = 0)")
        else:
            self.max_batch_size = 0
        self.batch_sizes = config.batch_sizes(self.max_batch_size) if self.max_batch_size else []

    @property
    def platform(self):
        return self.runner.platform

    def run(self, arrays):
        return self.runner.run(arrays)

    def close(self):
        self.runner.close()


def _renamed(specs, overrides, kind):
    if len(overrides) > len(specs):
        raise ConfigError(f"the config lists {len(overrides)} {kind}s, the model has {len(specs)}")
    out = []
    for i, spec in enumerate(specs):
        name = overrides[i].name if i < len(overrides) and overrides[i].name else spec.name
        out.append(TensorSpec(name, spec.dtype, spec.shape))
    names = [s.name for s in out]
    if len(set(names)) != len(names):
        raise ConfigError(f"{kind} names {names} repeat a name")
    return out
