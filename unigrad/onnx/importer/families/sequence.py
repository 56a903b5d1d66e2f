"""Sequences and optionals: SequenceEmpty/Construct/Insert/At/Erase/Length, ConcatFromSequence,
SplitToSequence, SequenceMap, Optional, OptionalHasElement, OptionalGetElement. A sequence is a
Python list of Tensors; an empty optional is None."""
import numpy as np

from ....ops import api as F
from ..rules import rule
from .common import axis_of, ints


def _position(pos, length, default):
    p = default if pos is None else int(np.asarray(pos).reshape(-1)[0])
    return p + length if p < 0 else p


@rule("SequenceEmpty", since=11)
def sequence_empty(ctx, *, dtype=None):
    return []


@rule("SequenceConstruct", since=11, sequence_inputs=True)
def sequence_construct(ctx, *tensors):
    return list(tensors)


@rule("SequenceInsert", since=11, static=(2,), sequence_inputs=True)
def sequence_insert(ctx, seq, tensor, position=None):
    out = list(seq)
    out.insert(_position(position, len(seq), len(seq)), tensor)
    return out


@rule("SequenceAt", since=11, static=(1,), sequence_inputs=True)
def sequence_at(ctx, seq, position):
    return seq[_position(position, len(seq), 0)]


@rule("SequenceErase", since=11, static=(1,), sequence_inputs=True)
def sequence_erase(ctx, seq, position=None):
    out = list(seq)
    del out[_position(position, len(seq), len(seq) - 1)]
    return out


@rule("SequenceLength", since=11, sequence_inputs=True)
def sequence_length(ctx, seq):
    return np.asarray(len(seq), dtype=np.int64)


@rule("ConcatFromSequence", since=11, sequence_inputs=True)
def concat_from_sequence(ctx, seq, *, axis, new_axis=0):
    if new_axis:
        return F.stack(seq, axis_of(axis, seq[0].ndim + 1))
    return F.cat(seq, axis_of(axis, seq[0].ndim))


@rule("SplitToSequence", since=11, static=(1,))
def split_to_sequence(ctx, x, split=None, *, axis=0, keepdims=1):
    a = axis_of(axis, x.ndim)
    if split is None:
        parts = F.split(x, 1, a)
        return [F.squeeze(p, a) if not keepdims else p for p in parts]
    sizes = ints(split)
    if np.asarray(split).ndim == 0:
        return list(F.split(x, sizes[0], a))
    return list(F.split(x, sizes, a))


@rule("SequenceMap", since=17, sequence_inputs=True, fold=False)
def sequence_map(ctx, seq, *extra, body):
    n_out = len(body.outputs)
    results = [[] for _ in range(n_out)]
    for i in range(len(seq)):
        args = [seq[i]] + [e[i] if isinstance(e, list) else e for e in extra]
        for k, out in enumerate(ctx.subgraph(body, args)):
            results[k].append(out)
    return tuple(results)


@rule("Optional", since=15, sequence_inputs=True)
def optional(ctx, value=None, *, type=None):
    return value


@rule("OptionalHasElement", since=15, sequence_inputs=True)
def optional_has_element(ctx, value=None):
    return np.asarray(value is not None)


@rule("OptionalGetElement", since=15, sequence_inputs=True)
def optional_get_element(ctx, value):
    if value is None:
        raise ctx.attr_error("OptionalGetElement of an empty optional")
    return value
