"""tf.data: input pipelines (Dataset.from_tensor_slices, batch, shuffle, repeat, map, filter, take,
skip, zip, ...) and their iterators (one-shot, initializable, reinitializable).

A pipeline runs in Python over NumPy arrays; its element is fed into the graph at each
Session.run that needs `iterator.get_next()` (one element per run, as in TF), so compiled runs
take it like a placeholder's feed. Functions given to map/filter are TF functions: they build
graph ops on the element's tensors once, when map is called, and those ops run on each element.
Tensors a pipeline reads from the graph (from_tensor_slices of a placeholder, a tensor a map
function uses) are evaluated when its iterator is initialized, with that run's feed_dict.
"""
import numpy as np

from ...backend import dtypes as _dt
from ...core.grad_mode import no_grad
from ...core.tensor import Tensor as EagerTensor
from ...errors import InvalidArgumentError
from . import nest
from .graph import Tensor, get_default_graph
from .not_covered import Namespace
from .tensor_shape import TensorShape


class _Spec:
    """One component of an element: its dtype and static shape (None dimensions unknown)."""

    def __init__(self, dtype, shape):
        self.dtype, self.shape = _dt.to_dtype(dtype), tuple(shape) if shape is not None else None


def _as_array(value):
    if isinstance(value, EagerTensor):
        return value.detach().cpu().numpy()
    arr = np.asarray(value)
    if arr.dtype.kind == "f" and not isinstance(value, (np.ndarray, np.generic)):
        arr = arr.astype(np.float32)  # Python floats: TF's float32
    elif arr.dtype.kind in "iu" and not isinstance(value, (np.ndarray, np.generic)):
        arr = arr.astype(np.int32)
    return arr


class Dataset:
    """A pipeline of elements (nested tuples/dicts of arrays). Build one with a from_* function,
    transform it with its methods, and read it with make_one_shot_iterator() or
    make_initializable_iterator()."""

    def __init__(self, spec, iterate, sources=(), seed=None):
        self._spec, self._iterate, self._sources = spec, iterate, list(sources)
        self._seed = seed  # a shuffle's seed: the pipeline's draws repeat in every run of the program

    # ---- sources ----------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors):
        """The elements are the slices of `tensors` (arrays or graph tensors, nested) along their
        first dimension, which they must share."""
        leaves = nest.flatten(tensors)
        graph = [i for i, t in enumerate(leaves) if isinstance(t, Tensor)]
        arrays = [None if isinstance(t, Tensor) else _as_array(t) for t in leaves]
        specs = []
        for t, a in zip(leaves, arrays):
            if a is not None:
                if a.ndim == 0:
                    raise InvalidArgumentError("Dataset.from_tensor_slices: a component is a scalar; each needs a "
                                               "first dimension to slice")
                specs.append(_Spec(_dt.to_dtype(a.dtype), a.shape[1:]))
            else:
                specs.append(_Spec(t.dtype, None if t._shape is None else t._shape[1:]))
        counts = {a.shape[0] for a in arrays if a is not None}
        if len(counts) > 1:
            raise InvalidArgumentError(f"Dataset.from_tensor_slices: the components have different first dimensions "
                                       f"{sorted(counts)}")

        def iterate(values, rng):
            parts = list(arrays)
            for i, v in zip(graph, values):
                parts[i] = v
            sizes = {p.shape[0] for p in parts}
            if len(sizes) > 1:
                raise InvalidArgumentError(f"Dataset.from_tensor_slices: the components have different first "
                                           f"dimensions {sorted(sizes)}")
            for k in range(sizes.pop() if sizes else 0):
                yield [p[k] for p in parts]
        return Dataset(nest.pack_sequence_as(tensors, specs), iterate, [leaves[i] for i in graph])

    @staticmethod
    def from_tensors(tensors):
        """One element: `tensors` themselves."""
        leaves = nest.flatten(tensors)
        graph = [i for i, t in enumerate(leaves) if isinstance(t, Tensor)]
        arrays = [None if isinstance(t, Tensor) else _as_array(t) for t in leaves]
        specs = [_Spec(_dt.to_dtype(a.dtype), a.shape) if a is not None else _Spec(t.dtype, t._shape)
                 for t, a in zip(leaves, arrays)]

        def iterate(values, rng):
            parts = list(arrays)
            for i, v in zip(graph, values):
                parts[i] = v
            yield parts
        return Dataset(nest.pack_sequence_as(tensors, specs), iterate, [leaves[i] for i in graph])

    @staticmethod
    def range(*args):
        """start, stop, step as Python's range; int64 elements."""
        values = range(*args)
        return Dataset(_Spec(_dt.int64, ()), lambda v, rng: ([np.int64(i)] for i in values))

    @staticmethod
    def zip(datasets):
        """Elements are tuples (or the nested structure of `datasets`) of the datasets' elements."""
        parts = nest.flatten(datasets) if not isinstance(datasets, Dataset) else [datasets]
        counts = [len(d._sources) for d in parts]

        def iterate(values, rng):
            its, start = [], 0
            for d, n in zip(parts, counts):
                its.append(d._iterate(values[start:start + n], rng))
                start += n
            for items in zip(*its):
                yield [leaf for item in items for leaf in item]
        spec = nest.pack_sequence_as(datasets, [d._spec for d in parts]) if not isinstance(datasets, Dataset) \
            else datasets._spec
        return Dataset(spec, iterate, [s for d in parts for s in d._sources])

    @staticmethod
    def from_generator(generator, output_types, output_shapes=None, args=None):
        """Elements from calling `generator(*args)` anew for each pass."""
        types = nest.flatten(output_types)
        shapes = nest.flatten(output_shapes) if output_shapes is not None else [None] * len(types)
        if output_shapes is not None and len(shapes) != len(types):
            shapes = [output_shapes] if len(types) == 1 else shapes
        specs = [_Spec(t, None if s is None else TensorShape(s).dims_or_none()) for t, s in zip(types, shapes)]

        def iterate(values, rng):
            for item in generator(*(args or ())):
                leaves = nest.flatten(item)
                if len(leaves) != len(specs):
                    raise InvalidArgumentError(f"Dataset.from_generator: the generator yielded {len(leaves)} "
                                               f"components for output_types {output_types}")
                yield [np.asarray(v, dtype=s.dtype.np) for v, s in zip(leaves, specs)]
        return Dataset(nest.pack_sequence_as(output_types, specs), iterate)

    # ---- what TF1 code reads ----------------------------------------------------------------
    @property
    def output_types(self):
        return nest.map_structure(lambda s: s.dtype, self._spec)

    @property
    def output_shapes(self):
        return nest.map_structure(lambda s: TensorShape(s.shape), self._spec)

    @property
    def output_classes(self):
        return nest.map_structure(lambda s: Tensor, self._spec)

    def _leaves(self):
        return nest.flatten(self._spec)

    def _derived(self, spec, iterate, extra_sources=()):
        n = len(self._sources)
        parent = self._iterate
        return Dataset(spec, lambda values, rng: iterate(parent(values[:n], rng), values[n:], rng),
                       self._sources + list(extra_sources), self._seed)

    # ---- transformations --------------------------------------------------------------------
    def batch(self, batch_size, drop_remainder=False):
        """Consecutive elements stacked into batches of batch_size (the last may be smaller)."""
        batch_size = int(batch_size)
        if batch_size < 1:
            raise InvalidArgumentError(f"Dataset.batch: batch_size must be at least 1, got {batch_size}")
        spec = nest.map_structure(lambda s: _Spec(s.dtype, None if s.shape is None else
                                                  (batch_size if drop_remainder else None,) + s.shape), self._spec)

        def iterate(elements, extra, rng):
            chunk = []
            for element in elements:
                chunk.append(element)
                if len(chunk) == batch_size:
                    yield [np.stack(parts) for parts in zip(*chunk)]
                    chunk = []
            if chunk and not drop_remainder:
                yield [np.stack(parts) for parts in zip(*chunk)]
        return self._derived(spec, iterate)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True):
        """TF's buffered shuffle: keep buffer_size elements, emit one of them at random, refill."""
        buffer_size = int(buffer_size)

        def iterate(elements, extra, rng):
            buffer = []
            for element in elements:
                buffer.append(element)
                if len(buffer) >= buffer_size:
                    k = int(rng.integers(len(buffer)))
                    buffer[k], buffer[-1] = buffer[-1], buffer[k]
                    yield buffer.pop()
            order = rng.permutation(len(buffer))
            for k in order:
                yield buffer[k]
        shuffled = self._derived(self._spec, iterate)
        if seed is not None:
            shuffled._seed = seed
        return shuffled

    def repeat(self, count=None):
        """The elements `count` times over (None or -1: forever); each pass starts the pipeline anew."""
        n = len(self._sources)
        parent = self._iterate

        def iterate(values, rng):
            k = 0
            while count is None or count < 0 or k < count:
                empty = True
                for element in parent(values[:n], rng):
                    empty = False
                    yield element
                if empty:
                    return
                k += 1
        return Dataset(self._spec, iterate, self._sources, self._seed)

    def take(self, count):
        def iterate(elements, extra, rng):
            if count < 0:
                yield from elements
                return
            for k, element in enumerate(elements):
                if k >= count:
                    return
                yield element
        return self._derived(self._spec, iterate)

    def skip(self, count):
        def iterate(elements, extra, rng):
            for k, element in enumerate(elements):
                if count < 0 or k >= count:
                    yield element
        return self._derived(self._spec, iterate)

    def prefetch(self, buffer_size):
        """The same elements (the pipeline is computed as the graph asks for them)."""
        return self

    def cache(self, filename=""):
        return self

    def concatenate(self, dataset):
        n = len(self._sources)
        first, second = self._iterate, dataset._iterate

        def iterate(values, rng):
            yield from first(values[:n], rng)
            yield from second(values[n:], rng)
        return Dataset(self._spec, iterate, self._sources + dataset._sources, self._seed)

    def apply(self, transformation_func):
        return transformation_func(self)

    def map(self, map_func, num_parallel_calls=None):
        """Elements transformed by `map_func` (a TF function of the element's tensors; a tuple
        element is passed as separate arguments, as in TF)."""
        fn = _TracedFunction(map_func, self._spec, "map")
        spec = nest.map_structure(lambda t: _Spec(t.dtype, t._shape), fn.structure)

        def iterate(elements, extra, rng):
            for element in elements:
                yield fn.apply(element, extra)
        return self._derived(spec, iterate, fn.outer)

    def filter(self, predicate):
        """The elements for which `predicate` (a TF function giving a bool scalar) is true."""
        fn = _TracedFunction(predicate, self._spec, "filter")

        def iterate(elements, extra, rng):
            for element in elements:
                if bool(np.asarray(fn.apply(element, extra)[0]).reshape(())):
                    yield element
        return self._derived(self._spec, iterate, fn.outer)

    # ---- iterators --------------------------------------------------------------------------
    def make_one_shot_iterator(self):
        from .data_iterator import Iterator
        return Iterator(self, one_shot=True)

    def make_initializable_iterator(self, shared_name=None):
        from .data_iterator import Iterator
        return Iterator(self)

    def __iter__(self):
        raise InvalidArgumentError("a tf.data Dataset is read in a graph: iterator = dataset.make_one_shot_iterator(); "
                                   "x = iterator.get_next(); then sess.run(x)")


class _TracedFunction:
    """A TF function of an element, built once on stand-in tensors of the element's components; its
    ops then run on each element's values. `outer` are the graph tensors it reads from outside."""

    def __init__(self, func, spec, what):
        from .control_flow import _outside
        graph = get_default_graph()
        leaves = nest.flatten(spec)

        def unfed():
            raise InvalidArgumentError(f"internal: a Dataset.{what} input was evaluated outside its pipeline")
        self.inputs = [Tensor("loop_var", [], unfed, f"{what}/arg_{i}", s.dtype, s.shape) for i, s in enumerate(leaves)]
        element = nest.pack_sequence_as(spec, self.inputs)
        saved, graph.recording = graph.recording, []
        try:
            result = func(*element) if isinstance(element, tuple) and not hasattr(element, "_fields") \
                else func(element)
        finally:
            self.nodes, graph.recording = graph.recording, saved
        from .ops import convert_to_tensor
        self.structure = nest.map_structure(convert_to_tensor, result)
        self.outs = nest.flatten(self.structure)
        self.outer = _outside(self.nodes, self.outs, self.inputs)

    def apply(self, element, outer_values):
        from .session import _evaluate
        memo = {id(t): EagerTensor(np.asarray(v)) for t, v in zip(self.inputs, element)}
        memo.update({id(t): v if isinstance(v, EagerTensor) else EagerTensor(np.asarray(v))
                     for t, v in zip(self.outer, outer_values)})
        with no_grad():
            values = _evaluate(self.nodes, self.outs, memo)
        return [v.detach().cpu().numpy() for v in values]


def _namespace():
    from . import data_iterator as it
    return Namespace("tf.data", Dataset=Dataset, Iterator=it.Iterator, make_one_shot_iterator=it.make_one_shot_iterator,
                     make_initializable_iterator=it.make_initializable_iterator, get_output_types=it.get_output_types,
                     get_output_shapes=it.get_output_shapes)
