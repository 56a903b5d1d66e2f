"""ai.onnx.ml ops the backend suite has: Binarizer, ArrayFeatureExtractor, LabelEncoder (its
mappings are lookups on the host: keys may be strings). TreeEnsemble has no rule yet."""
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
