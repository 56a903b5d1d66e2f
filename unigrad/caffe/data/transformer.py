"""Caffe's DataTransformer: out = (x - mean) * scale, with a mean file (indexed at the cropped
position) or mean values (one, or one per channel), a crop (random offset in TRAIN, the centre in
TEST) and a horizontal mirror with probability 1/2 (in both phases, when asked)."""
import numpy as np

from ..blobs import read_array
from ..errors import NetDefinitionError
from ..proto import caffe_pb2 as pb
from ..rng import rng


class Transformer:
    def __init__(self, param, phase, layer):
        self.param, self.phase, self.layer = param, phase, layer
        if param.HasField("mean_file") and len(param.mean_value):
            raise NetDefinitionError(f"layer '{layer}': give either mean_file or mean_value, not both")
        self.mean = None
        if param.HasField("mean_file"):
            mean = read_array(param.mean_file)
            self.mean = mean.reshape(mean.shape[-3:]) if mean.ndim == 4 else mean
        self.mean_values = np.asarray(param.mean_value, np.float32) if len(param.mean_value) else None
        self.scale, self.crop, self.mirror = param.scale, param.crop_size, param.mirror

    def output_shape(self, shape):
        """The transformed shape of a (C, H, W) datum."""
        c, h, w = shape
        if self.crop:
            if self.crop > h or self.crop > w:
                raise NetDefinitionError(f"layer '{self.layer}': crop_size {self.crop} is larger than the "
                                         f"{h}x{w} data")
            return (c, self.crop, self.crop)
        return (c, h, w)

    def __call__(self, batch):
        """A (N, C, H, W) uint8 or float batch, transformed into float32."""
        n, c, h, w = batch.shape
        if self.mean is not None and tuple(self.mean.shape) != (c, h, w):
            raise NetDefinitionError(f"layer '{self.layer}': the mean file {self.param.mean_file} is "
                                     f"{list(self.mean.shape)} but the data is {[c, h, w]}")
        if self.mean_values is not None and self.mean_values.size not in (1, c):
            raise NetDefinitionError(f"layer '{self.layer}': specify either 1 mean_value or as many as channels: {c}")
        crop = self.crop
        if crop:
            if self.phase == pb.TRAIN:
                offsets = [(int(rng().integers(0, h - crop + 1)), int(rng().integers(0, w - crop + 1)))
                           for _ in range(n)]
            else:
                offsets = [((h - crop) // 2, (w - crop) // 2)] * n
            out = np.empty((n, c, crop, crop), np.float32)
            for i, (y, x) in enumerate(offsets):
                out[i] = batch[i, :, y:y + crop, x:x + crop]
                if self.mean is not None:
                    out[i] -= self.mean[:, y:y + crop, x:x + crop]
        else:
            out = batch.astype(np.float32)
            if self.mean is not None:
                out -= self.mean
        if self.mean_values is not None:
            out -= self.mean_values.reshape(-1, 1, 1) if self.mean_values.size > 1 else self.mean_values[0]
        if self.scale != 1:
            out *= np.float32(self.scale)
        if self.mirror:
            flip = rng().random(n) < 0.5
            out[flip] = out[flip][..., ::-1]
        return out
