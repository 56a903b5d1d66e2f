"""DummyData: tops filled from fillers (default constant 0), shaped by `shape` or by the legacy
num/channels/height/width; constant tops are filled once, the others anew every pass."""
from ..fillers import fill
from ..proto import caffe_pb2 as pb
from .base import Source
from .registry import layer_type


@layer_type("DummyData")
class DummyData(Source):
    def setup(self, bottom_shapes):
        p = self.param.dummy_data_param
        n = len(self.param.top)
        legacy = [len(p.num), len(p.channels), len(p.height), len(p.width)]
        if len(p.shape) and any(legacy):
            raise self.fail("give either shape or num/channels/height/width, not both")
        if len(p.shape):
            if len(p.shape) not in (1, n):
                raise self.fail(f"give one shape, or one per top ({n}), got {len(p.shape)}")
            shapes = [tuple(int(d) for d in s.dim) for s in p.shape]
        else:
            if any(k not in (1, n) for k in legacy):
                raise self.fail("num, channels, height and width need one value, or one per top, each")

            def pick(values, i):
                return values[0] if len(values) == 1 else values[i]
            shapes = [(pick(p.num, i), pick(p.channels, i), pick(p.height, i), pick(p.width, i)) for i in range(n)]
        self.shapes = shapes * n if len(shapes) == 1 else shapes
        fillers = list(p.data_filler) or [pb.FillerParameter(type="constant", value=0.0)]
        if len(fillers) not in (1, n):
            raise self.fail(f"give one data_filler, or one per top ({n}), got {len(fillers)}")
        self.fillers = fillers * n if len(fillers) == 1 else fillers
        self.cached = [None] * n
        return []

    def top_shapes(self):
        return self.shapes

    def next_batch(self):
        out = []
        for i, (shape, filler) in enumerate(zip(self.shapes, self.fillers)):
            if self.cached[i] is not None:
                out.append(self.cached[i])
                continue
            data = fill(filler, shape, f"layer '{self.name}' top {i}")
            if filler.type == "constant":
                self.cached[i] = data
            out.append(data)
        return out
