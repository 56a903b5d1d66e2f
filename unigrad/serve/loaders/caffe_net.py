"""Caffe nets: a deploy prototxt and its .caffemodel weights in one version folder, run by
`unigrad.caffe.Net` (pycaffe's semantics: input blobs reshaped to the request, then forward).

Caffe's inputs carry a fixed shape in the prototxt; when the net reshapes along axis 0 (most do:
convolution, pooling, inner product), the batch size is free and requests are batched."""
import os

import numpy as np

from ...backend.device import Device
from ...errors import calling_site
from ..errors import ModelLoadError
from ..model import Runner, TensorSpec
from . import Loader, register


class CaffeRunner(Runner):
    """Runs a caffe.Net in the TEST phase on float32 arrays."""
    platform = "caffe"

    def __init__(self, weights, device):
        try:
            from ... import caffe  # only when a Caffe model is served
        except ImportError as exc:
            raise ModelLoadError(f"{weights}: serving Caffe nets needs the caffe extra ({exc}); "
                                 "pip install 'unigrad[caffe]'") from None
        prototxt = _deploy_prototxt(weights)
        _refuse_training_nets(prototxt)
        try:
            with calling_site(prototxt):  # errors name the files, not a server thread's frame
                self.net = caffe.Net(prototxt, weights=weights, phase=caffe.TEST,
                                     device=None if device is None else Device(device))
        except Exception as exc:  # the front door's errors name file:line, layer and blob
            raise ModelLoadError(f"{prototxt} with {os.path.basename(weights)}: {exc}") from None
        self.files = (prototxt, weights)
        self._inputs, self._outputs = list(self.net.inputs), list(self.net.outputs)
        if not self._inputs:
            raise ModelLoadError(f"{prototxt}: the net has no inputs (an Input layer or input/input_shape fields); "
                                 "serve the deploy prototxt, not the train/test one with data layers")
        shapes = {n: tuple(self.net.blobs[n].shape) for n in self._inputs + self._outputs}
        self.batch_axis = self._reshapes_along_axis0(shapes)
        free = (lambda s: (-1,) + s[1:]) if self.batch_axis else (lambda s: s)
        self.inputs = tuple(TensorSpec(n, np.dtype(np.float32), free(shapes[n])) for n in self._inputs)
        self.outputs = tuple(TensorSpec(n, np.dtype(np.float32), free(shapes[n])) for n in self._outputs)

    def _reshapes_along_axis0(self, shapes):
        """Whether giving every input another batch size changes only axis 0 of every output."""
        if any(len(shapes[n]) == 0 for n in self._inputs + self._outputs):
            return False
        batch = shapes[self._inputs[0]][0]
        if any(shapes[n][0] != batch for n in self._inputs + self._outputs):
            return False
        try:
            self._reshape([(batch + 1,) + shapes[n][1:] for n in self._inputs])
            ok = all(tuple(self.net.blobs[n].shape) == (batch + 1,) + shapes[n][1:] for n in self._outputs)
        except Exception:  # a layer with a fixed batch (a Reshape to constant dims, ...): served as it is
            ok = False
        self._reshape([shapes[n] for n in self._inputs])
        return ok

    def _reshape(self, shapes):
        blobs = self.net.blobs
        if all(tuple(blobs[n].shape) == tuple(s) for n, s in zip(self._inputs, shapes)):
            return
        for name, shape in zip(self._inputs, shapes):
            blobs[name].reshape(*shape)
        self.net.reshape()

    def run(self, arrays):
        self._reshape([a.shape for a in arrays])
        out = self.net.forward(**{n: a for n, a in zip(self._inputs, arrays)})
        return [np.array(out[n], np.float32) for n in self._outputs]  # copies: the blobs are reused


def _refuse_training_nets(prototxt):
    """A train/test definition reads its batches from data layers; the server feeds requests."""
    from ...caffe.parse import read_net
    try:
        param = read_net(prototxt)
    except Exception as exc:  # the parser's errors name file:line:column
        raise ModelLoadError(str(exc)) from None
    data = [f"'{l.name}' ({l.type})" for l in param.layer if l.type.endswith("Data")]  # (old formats come upgraded)
    if data:
        raise ModelLoadError(f"{prototxt}: a training net (data layers {', '.join(data)}); serve its deploy "
                             "prototxt: the same layers with an Input layer for the data and no loss or accuracy")


def _deploy_prototxt(weights):
    """The net definition beside the weights: the only .prototxt, else deploy.prototxt."""
    folder = os.path.dirname(weights)
    found = sorted(n for n in os.listdir(folder) if n.endswith(".prototxt") and not n.startswith("."))
    if len(found) == 1:
        return os.path.join(folder, found[0])
    if "deploy.prototxt" in found:
        return os.path.join(folder, "deploy.prototxt")
    if not found:
        raise ModelLoadError(f"{folder}: {os.path.basename(weights)} needs its net definition: put the deploy "
                             "prototxt (deploy.prototxt) in the same version folder")
    raise ModelLoadError(f"{folder}: several prototxt files {found}; name the deploy net deploy.prototxt")


register(Loader("caffe", (".caffemodel",), CaffeRunner, package="unigrad.caffe"))
