"""ImageData: images named by a list file (`<path> <label>` per line, split at the last space)
under root_folder, loaded with Pillow (BGR when is_color, as OpenCV loads them), optionally
resized to new_height x new_width, transformed by transform_param; shuffled every epoch when
asked. Tops: data (N x C x H x W) and label (N)."""
import numpy as np

from .. import glog
from ..data.convert import load_image, read_list
from ..data.transformer import Transformer
from ..rng import rng
from .base import Source
from .registry import layer_type


@layer_type("ImageData")
class ImageData(Source):
    tops = (2, 2)

    def setup(self, bottom_shapes):
        p = self.param.image_data_param
        if bool(p.new_height) != bool(p.new_width):
            raise self.fail("give both new_height and new_width, or neither")
        glog.info(f"Opening file {p.source}")
        self.lines = read_list(p.source)
        if not self.lines:
            raise self.fail(f"the image list {p.source} is empty")
        glog.info(f"A total of {len(self.lines)} images.")
        self.batch_size = p.batch_size
        self.pos = 0
        if p.shuffle:
            glog.info("Shuffling data")
            self._shuffle()
        if p.rand_skip:
            self.pos = int(rng().integers(0, p.rand_skip)) % len(self.lines)
        self.transformer = Transformer(self.param.transform_param, self.phase, self.name)
        first = self._load(self.lines[self.pos][0])
        self.item_shape = first.shape
        shape = self.transformer.output_shape(first.shape)
        self.shapes = [(self.batch_size,) + tuple(shape), (self.batch_size,)]
        return []

    def _shuffle(self):
        order = rng().permutation(len(self.lines))
        self.lines = [self.lines[i] for i in order]

    def _load(self, path):
        p = self.param.image_data_param
        return load_image(p.root_folder + path, p.new_height, p.new_width, p.is_color)

    def top_shapes(self):
        return self.shapes

    def next_batch(self):
        images, labels = [], []
        for _ in range(self.batch_size):
            path, label = self.lines[self.pos]
            image = self._load(path)
            if image.shape != self.item_shape:
                raise self.shape_error(f"image {path} is {list(image.shape)}; the first was {list(self.item_shape)} "
                                       "(set new_height/new_width to resize them alike)")
            images.append(image)
            labels.append(label)
            self.pos += 1
            if self.pos >= len(self.lines):
                glog.info("Restarting data prefetching from start.")
                self.pos = 0
                if self.param.image_data_param.shuffle:
                    self._shuffle()
        return [self.transformer(np.stack(images)), np.asarray(labels, np.float32)]
