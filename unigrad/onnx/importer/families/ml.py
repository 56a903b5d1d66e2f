"""ai.onnx.ml ops the backend suite has: Binarizer, ArrayFeatureExtractor, LabelEncoder (its
mappings are lookups on the host: keys may be strings), TreeEnsemble (trees walked on the host)."""
import numpy as np

from ....ops import api as F
from ..rules import rule
from .common import scalar

ML = "ai.onnx.ml"


@rule("Binarizer", since=1, domain=ML)
def binarizer(ctx, x, *, threshold=0.0):
    return F.to_dtype(F.gt(x, scalar(ctx, threshold, x)), x.dtype)


@rule("ArrayFeatureExtractor", since=1, domain=ML, static=(1,))
def array_feature_extractor(ctx, x, indices):
    return F.index_select(x, x.ndim - 1, ctx.const(np.asarray(indices, np.int64).reshape(-1)))


@rule("LabelEncoder", since=1, domain=ML, static=(0,))
def label_encoder(ctx, x, **attrs):
    keys = next((attrs[k] for k in ("keys_tensor", "keys_strings", "keys_int64s", "keys_floats") if k in attrs), None)
    values = next((attrs[k] for k in ("values_tensor", "values_strings", "values_int64s", "values_floats")
                   if k in attrs), None)
    if keys is None or values is None:
        raise ctx.attr_error("LabelEncoder needs keys_* and values_* attributes")
    keys, values = np.asarray(keys).reshape(-1), np.asarray(values).reshape(-1)
    if "values_strings" in attrs:
        values = values.astype(object)
    default = None
    for name in ("default_tensor", "default_string", "default_int64", "default_float"):
        if name in attrs:
            default = np.asarray(attrs[name]).reshape(-1)[0]
            if (name == "default_string") != ("values_strings" in attrs) and name != "default_tensor":
                default = None
                continue
            break
    if default is None:
        default = "_Unused" if values.dtype == object else (-1 if values.dtype.kind in "iu" else -0.0)
    table = {}
    for k, v in zip(keys.tolist(), values.tolist()):
        table[k] = v
    nan_value = next((v for k, v in table.items() if isinstance(k, float) and k != k), None)

    def look(item):
        if isinstance(item, float) and item != item and nan_value is not None:
            return nan_value
        return table.get(item, default)
    flat = [look(v) for v in np.asarray(x).reshape(-1).tolist()]
    dtype = object if values.dtype == object else values.dtype
    return np.asarray(flat, dtype=dtype).reshape(np.shape(x))


@rule("TreeEnsemble", since=5, domain=ML, static=(0,))
def tree_ensemble(ctx, x, *, n_targets, nodes_featureids, nodes_modes, nodes_splits, nodes_truenodeids,
                  nodes_trueleafs, nodes_falsenodeids, nodes_falseleafs, leaf_targetids, leaf_weights, tree_roots,
                  aggregate_function=1, post_transform=0, nodes_hitrates=None, nodes_missing_value_tracks_true=None,
                  membership_values=None):
    """Walk each tree per row (on the host), then aggregate the leaves per target."""
    modes = np.asarray(nodes_modes).reshape(-1).astype(int)
    splits = np.asarray(nodes_splits, np.float64).reshape(-1)
    tracks = np.asarray(nodes_missing_value_tracks_true if nodes_missing_value_tracks_true is not None
                        else np.zeros(len(modes)), int).reshape(-1)
    weights = np.asarray(leaf_weights, np.float64).reshape(-1)
    members, sets = [], iter([])
    if membership_values is not None:
        current = []
        for v in np.asarray(membership_values, np.float64).reshape(-1):
            if np.isnan(v):
                members.append(set(current))
                current = []
            else:
                current.append(float(v))
        if current:
            members.append(set(current))
        sets = iter(members)
    node_sets = {i: next(sets) for i in range(len(modes)) if modes[i] == 6}
    compare = {0: lambda a, s: a <= s, 1: lambda a, s: a < s, 2: lambda a, s: a >= s, 3: lambda a, s: a > s,
               4: lambda a, s: a == s, 5: lambda a, s: a != s}
    rows = np.asarray(x, np.float64).reshape(x.shape[0], -1)
    if aggregate_function not in (0, 1, 2, 3):
        raise ctx.attr_error(f"TreeEnsemble: aggregate_function {aggregate_function} is not one of 0-3")
    out = np.zeros((rows.shape[0], int(n_targets)))
    for r, row in enumerate(rows):
        found = [[] for _ in range(int(n_targets))]
        for root in tree_roots:
            i, leaf = int(root), None
            while leaf is None:
                value = row[int(nodes_featureids[i])]
                if np.isnan(value):
                    go_true = bool(tracks[i])
                elif modes[i] == 6:
                    go_true = float(value) in node_sets[i]
                else:
                    go_true = bool(compare[modes[i]](value, splits[i]))
                nxt, is_leaf = (nodes_truenodeids[i], nodes_trueleafs[i]) if go_true else \
                    (nodes_falsenodeids[i], nodes_falseleafs[i])
                if is_leaf:
                    leaf = int(nxt)
                else:
                    i = int(nxt)
            found[int(leaf_targetids[leaf])].append(weights[leaf])
        for t, values in enumerate(found):
            if values:  # AVERAGE divides by the number of trees
                out[r, t] = {0: lambda v: np.sum(v) / len(tree_roots), 1: np.sum, 2: np.min,
                             3: np.max}[aggregate_function](values)
    if post_transform == 1:
        e = np.exp(out - out.max(1, keepdims=True))
        out = e / e.sum(1, keepdims=True)
    elif post_transform == 2:
        out = 1 / (1 + np.exp(-out))
    elif post_transform != 0:
        raise ctx.attr_error(f"TreeEnsemble: post_transform {post_transform} is not supported (NONE, SOFTMAX, "
                             "LOGISTIC are)")
    return out.astype(x.dtype)
