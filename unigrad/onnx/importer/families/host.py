"""Ops whose output shape depends on the data, or that work on strings, bytes or bit patterns, or
sample at data-given positions: Unique, NonZero, Det, BitCast, StringConcat, StringSplit,
RegexFullMatch, StringNormalizer, ImageDecoder, TfIdfVectorizer, DeformConv (and TensorScatter,
whose write positions are read as values, then one index_put).

They compute on the host, in NumPy, on their inputs' values: a model using one runs eagerly
(ug.jit cannot trace a value read into Python), and its outputs are known values to the rules
after it. No gradient flows through them (a model to fine-tune should not hold them).
"""
import re

import numpy as np

from ..rules import rule

_STRING = np.dtype(object)


def _strings(values):
    return np.asarray(values, dtype=object)


@rule("Unique", since=11, static=(0,))
def unique(ctx, x, *, axis=None, sorted=1):
    flat = axis is None
    data = x.reshape(-1) if flat else x
    a = 0 if flat else int(axis) % max(x.ndim, 1)
    if data.dtype == _STRING or data.dtype.kind not in "biuf":  # (bfloat16 and friends sort as float32)
        keys = data.astype(np.float32) if data.dtype != _STRING else data
    else:
        keys = data
    _, first, inverse, counts = np.unique(keys, return_index=True, return_inverse=True, return_counts=True,
                                          axis=None if flat else a)
    inverse = inverse.reshape(-1)
    if not sorted:  # in order of first appearance
        order = np.argsort(first, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        first, counts, inverse = first[order], counts[order], rank[inverse]
    values = np.take(data, first, axis=a)
    return values, first.astype(np.int64), inverse.astype(np.int64), counts.astype(np.int64)


@rule("NonZero", since=9, static=(0,))
def non_zero(ctx, x):
    return np.array(np.nonzero(x.reshape(1) if x.ndim == 0 else x), dtype=np.int64)


@rule("Det", since=11, static=(0,))
def det(ctx, x):
    wide = x.astype(np.float64) if x.dtype.itemsize < 4 or x.dtype.kind != "f" else x
    return np.asarray(np.linalg.det(wide)).astype(x.dtype)


@rule("BitCast", since=26, static=(0,))
def bit_cast(ctx, x, *, to):
    from ...dtypes import to_numpy_dtype
    target = to_numpy_dtype(to)
    if target.itemsize != x.dtype.itemsize:
        raise ctx.attr_error(f"BitCast from {x.dtype} ({x.dtype.itemsize * 8} bits) to {target} "
                             f"({target.itemsize * 8} bits): the widths must match")
    return np.ascontiguousarray(x).reshape(-1).view(target).reshape(x.shape)


@rule("StringConcat", since=20, static=(0, 1))
def string_concat(ctx, x, y):
    return _strings(np.frompyfunc(lambda a, b: str(a) + str(b), 2, 1)(x, y))


@rule("RegexFullMatch", since=20, static=(0,))
def regex_full_match(ctx, x, *, pattern):
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ctx.attr_error(f"RegexFullMatch: pattern {pattern!r} is not a valid regular expression ({exc})")
    return np.frompyfunc(lambda s: compiled.fullmatch(str(s)) is not None, 1, 1)(x).astype(bool)


@rule("StringSplit", since=20, static=(0,))
def string_split(ctx, x, *, delimiter=None, maxsplit=None):
    sep = delimiter or None  # (unset or "": runs of whitespace, as str.split())
    limit = -1 if maxsplit is None else int(maxsplit)
    parts = [str(s).split(sep, limit) for s in x.reshape(-1)]
    width = max((len(p) for p in parts), default=0)
    out = np.full((len(parts), width), "", dtype=object)
    for i, p in enumerate(parts):
        out[i, :len(p)] = p
    counts = np.array([len(p) for p in parts], dtype=np.int64).reshape(x.shape)
    return out.reshape(tuple(x.shape) + (width,)), counts


@rule("StringNormalizer", since=10, static=(0,))
def string_normalizer(ctx, x, *, case_change_action="NONE", is_case_sensitive=0, locale=None, stopwords=None):
    if x.ndim not in (1, 2) or (x.ndim == 2 and x.shape[0] != 1):
        raise ctx.attr_error(f"StringNormalizer takes a [C] or [1, C] tensor, got shape {list(x.shape)}")
    words = [str(s) for s in x.reshape(-1)]
    stop = [str(s) for s in (stopwords or [])]
    if is_case_sensitive:
        kept = [w for w in words if w not in set(stop)]
    else:
        folded = {s.casefold() for s in stop}
        kept = [w for w in words if w.casefold() not in folded]
    action = case_change_action.upper() if isinstance(case_change_action, str) else case_change_action
    if action == "LOWER":
        kept = [w.lower() for w in kept]
    elif action == "UPPER":
        kept = [w.upper() for w in kept]
    elif action != "NONE":
        raise ctx.attr_error(f"StringNormalizer: case_change_action must be NONE, LOWER or UPPER, got {action!r}")
    out = _strings(kept or [""])
    return out.reshape(1, -1) if x.ndim == 2 else out


@rule("TensorScatter", since=24, static=(2,))
def tensor_scatter(ctx, past, update, write_indices=None, *, axis=-2, mode="linear"):
    """A KV-cache write: update's steps go to write_indices[b] + i along `axis` (mod the cache length
    when circular), as one index_put over registry ops; the indices are read as values."""
    from ....ops import api as F
    a = int(axis) % past.ndim
    length, steps = past.shape[a], update.shape[a]
    batch = past.shape[0]
    starts = np.zeros(batch, np.int64) if write_indices is None else np.asarray(write_indices, np.int64).reshape(-1)
    positions = starts[:, None] + np.arange(steps)[None, :]
    if mode == "circular":
        positions = positions % length
    elif positions.size and positions.max() >= length:
        raise ctx.attr_error(f"TensorScatter: writes reach index {int(positions.max())} of a cache of length {length}")
    key = []
    for d in range(a + 1):
        shape = [1] * (a + 1)
        if d == a:
            shape[0], shape[a] = batch, steps
            key.append(ctx.const(positions.reshape(shape)))
        else:
            shape[d] = past.shape[d]
            key.append(ctx.const(np.arange(past.shape[d], dtype=np.int64).reshape(shape)))
    return F.index_put(past, tuple(key), update)


@rule("ImageDecoder", since=20, static=(0,), fold=True)
def image_decoder(ctx, encoded, *, pixel_format="RGB"):
    """Decode an encoded image (uint8 bytes) with Pillow to (H, W, C) uint8."""
    import io
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover (Pillow is in the onnx extra's test deps)
        raise ctx.attr_error("ImageDecoder needs Pillow (pip install Pillow)") from None
    try:
        image = Image.open(io.BytesIO(np.asarray(encoded, np.uint8).tobytes()))
        image.load()
    except Exception as exc:
        raise ctx.attr_error(f"ImageDecoder: the bytes are not an image Pillow can read ({exc})") from None
    if pixel_format == "Grayscale":
        return np.asarray(image.convert("L"), np.uint8)[:, :, None]
    rgb = np.asarray(image.convert("RGB"), np.uint8)
    if pixel_format == "BGR":
        return np.ascontiguousarray(rgb[:, :, ::-1])
    if pixel_format != "RGB":
        raise ctx.attr_error(f"ImageDecoder: pixel_format must be RGB, BGR or Grayscale, got {pixel_format!r}")
    return rgb


@rule("TfIdfVectorizer", since=9, static=(0,))
def tf_idf_vectorizer(ctx, x, *, mode, min_gram_length, max_gram_length, max_skip_count, ngram_counts,
                      ngram_indexes, pool_int64s=None, pool_strings=None, weights=None):
    """Counts of the pool's n-grams (lengths min..max, gaps of up to max_skip_count tokens) per row."""
    pool = list(pool_strings) if pool_strings is not None else [int(v) for v in (pool_int64s or [])]
    starts = list(ngram_counts) + [len(pool)]
    ids, k = {}, 0  # n-gram tuple -> its position among the pool's n-grams
    for n in range(1, len(ngram_counts) + 1):
        for i in range(starts[n - 1], starts[n], n):
            ids[tuple(pool[i:i + n])] = k
            k += 1
    width = max(ngram_indexes) + 1 if len(ngram_indexes) else 0
    rows = x.reshape(1, -1) if x.ndim == 1 else x.reshape(x.shape[0], -1)
    out = np.zeros((rows.shape[0], width), np.float32)
    for r, row in enumerate(rows):
        tokens = [str(t) if pool_strings is not None else int(t) for t in row]
        counts = {}
        for n in range(max(1, min_gram_length), max_gram_length + 1):
            for skip in range(0, (max_skip_count if n > 1 else 0) + 1):
                step = skip + 1
                for s in range(len(tokens) - (n - 1) * step):
                    found = ids.get(tuple(tokens[s + j * step] for j in range(n)))
                    if found is not None:
                        counts[found] = counts.get(found, 0) + 1
        for found, c in counts.items():
            weight = weights[found] if weights else 1.0
            value = {"TF": c, "IDF": min(c, 1) * weight, "TFIDF": c * weight}.get(mode)
            if value is None:
                raise ctx.attr_error(f"TfIdfVectorizer: mode must be TF, IDF or TFIDF, got {mode!r}")
            out[r, ngram_indexes[found]] = value
    return out.reshape(width) if x.ndim == 1 else out


def _bilinear(image, y, x):
    """image (N, C, H, W) sampled at (N, ...) float positions y, x: (N, C, ...), zero outside."""
    n, c, h, w = image.shape
    y0, x0 = np.floor(y), np.floor(x)
    out = np.zeros((n, c) + y.shape[1:], image.dtype)
    batch = np.arange(n).reshape((n,) + (1,) * (y.ndim - 1))
    for dy in (0, 1):
        for dx in (0, 1):
            yy, xx = y0 + dy, x0 + dx
            weight = (1 - np.abs(y - yy)) * (1 - np.abs(x - xx))
            inside = (yy >= 0) & (yy < h) & (xx >= 0) & (xx < w)
            yi, xi = np.clip(yy, 0, h - 1).astype(np.int64), np.clip(xx, 0, w - 1).astype(np.int64)
            picked = image[batch, :, yi, xi]  # (N, ..., C)
            out += np.moveaxis(picked, -1, 1) * (weight * inside)[:, None]
    return out


@rule("DeformConv", since=19, static=(0, 1, 2, 3, 4))
def deform_conv(ctx, x, w, offset, b=None, mask=None, *, dilations=None, group=1, kernel_shape=None, offset_group=1,
                pads=None, strides=None):
    """2-D deformable convolution (v1, and v2 with a mask): each kernel tap samples the input
    bilinearly at its offset position; then a grouped product with the weights."""
    if x.ndim != 4:
        raise ctx.attr_error(f"DeformConv over {x.ndim - 2}-D inputs is not supported (2-D is)")
    n, c, h, wid = x.shape
    out_c, cg, kh, kw = w.shape
    sh, sw = strides or (1, 1)
    dh, dw = dilations or (1, 1)
    top, left, bottom, right = pads or (0, 0, 0, 0)
    oh = (h + top + bottom - dh * (kh - 1) - 1) // sh + 1
    ow = (wid + left + right - dw * (kw - 1) - 1) // sw + 1
    taps = kh * kw
    off = offset.reshape(n, offset_group, taps, 2, oh, ow).astype(np.float64)
    weights = np.ones((n, offset_group, taps, oh, ow)) if mask is None else \
        mask.reshape(n, offset_group, taps, oh, ow).astype(np.float64)
    rows = (np.arange(oh) * sh - top)[:, None]
    cols = (np.arange(ow) * sw - left)[None, :]
    per = c // offset_group
    sampled = np.zeros((n, c, taps, oh, ow))
    image = x.astype(np.float64)
    for g in range(offset_group):
        for k in range(taps):
            ki, kj = divmod(k, kw)
            y = rows + ki * dh + off[:, g, k, 0]
            xs = cols + kj * dw + off[:, g, k, 1]
            sampled[:, g * per:(g + 1) * per, k] = _bilinear(image[:, g * per:(g + 1) * per], y, xs) * \
                weights[:, g, k][:, None]
    out = np.zeros((n, out_c, oh, ow))
    per_out = out_c // group
    kernel = w.reshape(out_c, cg, taps).astype(np.float64)
    for g in range(group):
        cols_g = sampled[:, g * cg:(g + 1) * cg]
        out[:, g * per_out:(g + 1) * per_out] = np.einsum("ock,nckhw->nohw", kernel[g * per_out:(g + 1) * per_out],
                                                          cols_g)
    if b is not None:
        out += np.asarray(b).reshape(1, -1, 1, 1)
    return out.astype(x.dtype)
