"""tf.data iterators: get_next() gives tensors that Session.run feeds with the pipeline's next
element (once per run and get_next call, as TF's IteratorGetNext op), raising
tf.errors.OutOfRangeError at the end; `initializer` (re)starts the pipeline."""
import numpy as np

from ...errors import InvalidArgumentError
from ...ops import api as F
from . import nest
from .data import Dataset, _Spec
from .errors import OutOfRangeError
from .graph import FailedPreconditionError, Operation, Tensor


class Iterator:
    """Reads a Dataset in a graph. One-shot iterators start on their first get_next run;
    initializable ones when `sess.run(iterator.initializer, feed_dict)` runs (again to restart);
    `Iterator.from_structure` ones read whichever dataset `make_initializer(dataset)` starts."""

    def __init__(self, dataset=None, one_shot=False, spec=None):
        self._dataset, self._one_shot = dataset, one_shot
        self._spec = spec if spec is not None else dataset._spec
        self._state = None
        self._groups = 0
        self.initializer = self.make_initializer(dataset) if dataset is not None and not one_shot else None

    @staticmethod
    def from_structure(output_types, output_shapes=None, shared_name=None, output_classes=None):
        """An iterator for any dataset of this element structure (a reinitializable iterator)."""
        types = nest.flatten(output_types)
        shapes = nest.flatten(output_shapes) if output_shapes is not None else [None] * len(types)
        from .tensor_shape import TensorShape
        specs = [_Spec(t, None if s is None else TensorShape(s).dims_or_none()) for t, s in zip(types, shapes)]
        return Iterator(spec=nest.pack_sequence_as(output_types, specs))

    @property
    def output_types(self):
        return nest.map_structure(lambda s: s.dtype, self._spec)

    @property
    def output_shapes(self):
        from .tensor_shape import TensorShape
        return nest.map_structure(lambda s: TensorShape(s.shape), self._spec)

    def make_initializer(self, dataset, name=None):
        """An op that starts this iterator on `dataset` (evaluating the tensors it reads)."""
        if not isinstance(dataset, Dataset):
            raise InvalidArgumentError(f"make_initializer takes a tf.data.Dataset, got {type(dataset).__name__}")
        if len(nest.flatten(dataset._spec)) != len(nest.flatten(self._spec)):
            raise InvalidArgumentError("make_initializer: the dataset's elements do not have this iterator's structure")

        def start(*values):
            self._start(dataset, values)
        return Operation(dataset._sources, start, name or "MakeIterator", initializer=True)

    def _start(self, dataset, values):
        seed = getattr(dataset, "_seed", None)
        if seed is None:  # drawn from unigrad's generator: ug.manual_seed / tf.set_random_seed repeat it
            seed = int(F.randint(0, 2 ** 31 - 1, (1,)).item())
        self._dataset = dataset
        self._state = dataset._iterate([v.detach().cpu().numpy() if hasattr(v, "detach") else v for v in values],
                                       np.random.default_rng(seed))

    def get_next(self, name=None):
        """The next element's tensors (the dataset's element structure)."""
        group = self._groups
        self._groups += 1

        def unfed():
            raise InvalidArgumentError("internal: an iterator's element was evaluated outside Session.run")
        leaves = []
        for i, spec in enumerate(nest.flatten(self._spec)):
            node = Tensor("iterator_value", [], unfed, name or "IteratorGetNext", spec.dtype, spec.shape)
            node.iterator, node.group, node.index = self, group, i
            leaves.append(node)
        return nest.pack_sequence_as(self._spec, leaves)

    def pull(self, session):
        """The next element's component arrays (called by Session.run)."""
        if self._state is None:
            if not self._one_shot:
                raise FailedPreconditionError("GetNext() failed because the iterator has not been initialized: run "
                                              "sess.run(iterator.initializer) first")
            sources = self._dataset._sources
            self._start(self._dataset, session.run(sources) if sources else [])
        try:
            return next(self._state)
        except StopIteration:
            raise OutOfRangeError("End of sequence: the iterator has no more elements (run its initializer to "
                                  "start again, or repeat() the dataset)") from None

    def string_handle(self, name=None):
        from .not_covered import NotCoveredError
        raise NotCoveredError("Iterator.string_handle (feedable iterators) is not covered by unigrad yet; use "
                              "Iterator.from_structure with make_initializer for each dataset")


def make_one_shot_iterator(dataset):
    return dataset.make_one_shot_iterator()


def make_initializable_iterator(dataset, shared_name=None):
    return dataset.make_initializable_iterator()


def get_output_types(dataset_or_iterator):
    return dataset_or_iterator.output_types


def get_output_shapes(dataset_or_iterator):
    return dataset_or_iterator.output_shapes
