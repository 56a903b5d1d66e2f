"""Data: batches of Datum records from an LMDB database, in key order with wrap-around,
transformed by transform_param; tops data (N x C x H x W) and, optionally, label (N).
LevelDB is not supported (Caffe's default backend): an LMDB source is read whatever `backend`
says, and a LevelDB folder gets an error that says to convert it."""
import numpy as np

from .. import glog, parallel
from ..data.datum import datum_to_array, parse_datum
from ..data.lmdb_store import Reader
from ..data.transformer import Transformer
from ..proto import caffe_pb2 as pb
from ..rng import rng
from .base import Source
from .registry import layer_type


@layer_type("Data")
class Data(Source):
    tops = (1, 2)

    def setup(self, bottom_shapes):
        p = self.param.data_param
        if not p.source:
            raise self.fail("data_param needs a source (an LMDB folder)")
        if not p.batch_size:
            raise self.fail("data_param needs batch_size > 0")
        if p.backend == pb.DataParameter.LEVELDB and p.HasField("backend"):
            glog.warning(f"layer '{self.name}': backend LEVELDB asked for; unigrad reads LMDB only")
        self.reader = Reader(p.source, self.name)
        glog.info(f"Opened lmdb {p.source}")
        if p.rand_skip:
            self.reader.skip(int(rng().integers(0, p.rand_skip)))
        # data-parallel training: this rank keeps every ranks-th record (Caffe's DataLayer::Skip)
        self.rank, self.ranks = parallel.shard(self.phase)
        self.offset = 0
        self.transformer = Transformer(self.param.transform_param, self.phase, self.name)
        self.batch_size = p.batch_size
        key, value = self._next_record()
        self._first = (key, value)
        sample = self._array(key, value)
        self.datum_shape = sample.shape
        shape = self.transformer.output_shape(sample.shape)
        glog.info(f"output data size: {self.batch_size},{shape[0]},{shape[1]},{shape[2]}")
        self.shapes = [(self.batch_size,) + tuple(shape)] + ([(self.batch_size,)] if len(self.param.top) == 2 else [])
        return []

    def _next_record(self):
        while True:
            key, value = self.reader.next()
            keep = self.offset % self.ranks == self.rank
            self.offset += 1
            if keep:
                return key, value

    def _array(self, key, value):
        where = f"layer '{self.name}': LMDB {self.param.data_param.source} record {key.decode(errors='replace')!r}"
        self._last_datum = parse_datum(value, where)
        tp = self.param.transform_param
        return datum_to_array(self._last_datum, where, tp.force_color, tp.force_gray)

    def top_shapes(self):
        return self.shapes

    def next_batch(self):
        images, labels = [], []
        for i in range(self.batch_size):
            if self._first is not None:
                key, value = self._first
                self._first = None
            else:
                key, value = self._next_record()
            array = self._array(key, value)
            if array.shape != self.datum_shape:
                raise self.shape_error(f"record {key.decode(errors='replace')!r} is {list(array.shape)}; the first "
                                       f"record of the batch was {list(self.datum_shape)}")
            images.append(array)
            labels.append(self._last_datum.label)
        batch = self.transformer(np.stack(images))
        if len(self.param.top) == 1:
            return [batch]
        return [batch, np.asarray(labels, np.float32)]
