"""The Caffe layer contract: a small mapper from one LayerParameter to registry ops.

A layer decides its parameter blobs (shapes and fillers) from its bottom shapes in `setup`, and
computes its tops from its bottoms in `forward` with ops on Tensors, so autograd gives its
backward, the tracer compiles it, and the meta device gives its top shapes (`Net` runs forward
on meta tensors to shape every blob before any data flows)."""
from ..errors import LayerShapeError, NetDefinitionError


class ParamBlob:
    """A parameter blob a layer asks for: its shape and how to initialise it (a
    FillerParameter, or a callable filling a NumPy array of that shape)."""

    def __init__(self, shape, filler):
        self.shape, self.filler = tuple(int(d) for d in shape), filler


class Context:
    """What one pass through the net knows beyond the blobs: the phase, the dropout masks drawn
    for it, and whether layers with running statistics (BatchNorm) update them."""

    def __init__(self, phase, masks=None, update_stats=True):
        self.phase, self.masks, self.update_stats = phase, masks or {}, update_stats


class Layer:
    """One runtime layer. Subclasses set `type` and override `setup` and `forward`.

    Class attributes: `loss` (a loss layer: its first top weighs 1 unless `loss_weight` says
    otherwise), `bottoms` and `tops` ((min, max) counts, max None for any), `source` (a data
    layer that produces its tops on the host, outside the graph), `no_backward_to` (bottom
    indices a gradient must never reach, e.g. labels)."""
    type = None
    loss = False
    bottoms = (0, None)
    tops = (0, None)
    source = False
    no_backward_to = ()
    random_mask = False  # draws a mask per pass (Dropout)

    def __init__(self, param, phase):
        self.param = param
        self.name = param.name
        self.phase = param.phase if param.HasField("phase") else phase

    # ---- set-up --------------------------------------------------------------------------------
    def check_counts(self):
        """Caffe's bottom/top count checks, with the layer named."""
        for what, names, (low, high) in (("bottom", self.param.bottom, self.bottoms),
                                         ("top", self.param.top, self.tops)):
            n = len(names)
            if n < low or (high is not None and n > high):
                want = f"exactly {low}" if low == high else (f"at least {low}" if high is None else f"{low} to {high}")
                raise NetDefinitionError(f"layer '{self.name}' (type {self.type}) takes {want} {what} blob(s), "
                                         f"got {n}: {list(names)}")

    def setup(self, bottom_shapes):
        """Check the bottoms and return the parameter blobs this layer owns (a list of
        ParamBlob); most layers have none."""
        return []

    def fail(self, message):
        """A NetDefinitionError naming this layer."""
        return NetDefinitionError(f"layer '{self.name}' (type {self.type}): {message}")

    def shape_error(self, message):
        """A LayerShapeError naming this layer."""
        return LayerShapeError(f"layer '{self.name}' (type {self.type}): {message}")

    # ---- computation ---------------------------------------------------------------------------
    def forward(self, bottoms, params, ctx):
        """The tops as Tensors, computed from the bottom Tensors and parameter Tensors with ops."""
        raise NotImplementedError

    blob_names = ()  # names of the parameter blobs in a Module's state_dict (default: their indices)

    def param_names(self):
        """The names of this layer's parameter blobs, in order."""
        return [self.blob_names[i] if i < len(self.blob_names) else str(i) for i in range(len(self.params))]

    def allow_force_backward(self, index):
        return index not in self.no_backward_to

    def __repr__(self):
        return f"<{self.type} layer '{self.name}'>"


class Neuron(Layer):
    """An elementwise layer: one bottom, one top of the same shape (in place allowed)."""
    bottoms = (1, 1)
    tops = (1, 1)

    def forward(self, bottoms, params, ctx):
        return [self.apply(bottoms[0])]

    def apply(self, x):
        raise NotImplementedError


class Source(Layer):
    """A layer without bottoms whose tops come from the host (files, fillers, the user): the net
    asks it for each pass's arrays and feeds them to the graph."""
    source = True
    bottoms = (0, 0)
    tops = (1, None)

    def top_shapes(self):
        """The shape of each top before the first pass."""
        raise NotImplementedError

    def next_batch(self):
        """This pass's arrays, one float32 NumPy array per top (None: the net's blobs keep what
        the user wrote into them)."""
        raise NotImplementedError

    def forward(self, bottoms, params, ctx):  # the net feeds source tops; nothing to compute
        raise NotImplementedError(f"{self!r} is a source layer; its tops are fed")
