"""JSON values to tensors and back: nested lists, {"b64": ...} binary values, images.

A JSON array becomes a NumPy array of the model input's dtype only when it converts exactly:
floats are not truncated into integer inputs, booleans and strings are not read as numbers,
and ragged lists are refused with the input's name.
"""
import base64
import binascii
import io

import numpy as np

from .errors import InvalidRequest


def is_b64(value):
    return isinstance(value, dict) and "b64" in value


def b64_bytes(value, where):
    if len(value) != 1 or not isinstance(value["b64"], str):
        raise InvalidRequest(f"{where}: a binary value is an object with the single key \"b64\" holding a base64 "
                             f"string, got keys {sorted(value)}")
    try:
        return base64.b64decode(value["b64"], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidRequest(f"{where}: the \"b64\" value is not valid base64 ({exc})") from None


def to_array(value, spec, where, image=None, batched=True):
    """`value` (nested lists, or {"b64"} images when the input declares image preprocessing) as an
    array of spec.dtype; `batched`: value holds a list of examples (else one example)."""
    if image is not None and _holds_b64(value, batched):
        items = value if batched else [value]
        if not isinstance(items, list):
            raise InvalidRequest(f"{where}: expected a list of {{\"b64\": ...}} images")
        arrays = [decode_image(b64_bytes(v, f"{where}[{i}]") if is_b64(v) else _not_b64(where, i), image, spec,
                               f"{where}[{i}]") for i, v in enumerate(items)]
        out = np.stack(arrays) if arrays else np.zeros((0,) + tuple(spec.shape[1:]), spec.dtype)
        return out if batched else out[0]
    if spec.dtype == object:
        return _bytes_array(value, where)
    if is_b64(value) or _holds_b64(value, True):
        raise InvalidRequest(f"{where}: a {{\"b64\": ...}} value was given for a {spec.datatype} input; binary values "
                             "go to BYTES inputs, or to image inputs declared in the model's config ([[inputs]] image "
                             "= {...})")
    try:
        raw = np.asarray(value)
    except ValueError:
        raise InvalidRequest(f"{where}: the nested lists are ragged (rows of different lengths); a tensor needs a "
                             "rectangular array") from None
    return cast(raw, spec, where)


def cast(raw, spec, where):
    """`raw` in spec.dtype, refusing conversions that would change values."""
    target = spec.dtype
    kind = raw.dtype.kind
    if kind == "O":
        raise InvalidRequest(f"{where}: the value is not a rectangular array of numbers (ragged lists, or objects "
                             f"mixed with numbers); model input takes {spec.describe()}")
    if kind in "US":
        raise InvalidRequest(f"{where}: strings given, the model input takes {spec.describe()}")
    if target.kind == "b":
        if kind != "b":
            raise InvalidRequest(f"{where}: {raw.dtype.name} values given for a BOOL input (send true/false)")
        return raw
    if kind == "b":
        raise InvalidRequest(f"{where}: true/false given, the model input takes {spec.describe()}")
    if target.kind in "iu":
        if kind == "f":
            if not np.all(np.isfinite(raw)) or not np.array_equal(raw, np.floor(raw)):
                raise InvalidRequest(f"{where}: non-integer numbers given for a {spec.datatype} input")
        info = np.iinfo(target)
        if raw.size and (raw.min() < info.min or raw.max() > info.max):
            raise InvalidRequest(f"{where}: values outside {spec.datatype}'s range [{info.min}, {info.max}]")
    return raw.astype(target, copy=False)


def _holds_b64(value, batched):
    if not batched:
        return is_b64(value)
    return isinstance(value, list) and bool(value) and is_b64(value[0])


def _not_b64(where, i):
    raise InvalidRequest(f"{where}[{i}]: mix of images ({{\"b64\": ...}}) and plain values in one input")


def _bytes_array(value, where):
    def conv(v, path):
        if is_b64(v):
            return b64_bytes(v, path)
        if isinstance(v, str):
            return v.encode()
        if isinstance(v, list):
            return [conv(x, f"{path}[{i}]") for i, x in enumerate(v)]
        raise InvalidRequest(f"{path}: a BYTES input takes strings or {{\"b64\": ...}} values, got {type(v).__name__}")
    try:
        return np.array(conv(value, where), dtype=object)
    except ValueError:
        raise InvalidRequest(f"{where}: the nested lists are ragged (rows of different lengths)") from None


def decode_image(data, image, spec, where):
    """A PNG/JPEG/... file's bytes as one example of an image input: (C, H, W), (H, W, C), (H, W)
    or flat, whichever the input's shape says, scaled as the config's image preprocessing says."""
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(io.BytesIO(data)) as img:
            img = img.convert("L" if image.channels == 1 else "RGB")
            if img.size != (image.width, image.height):
                img = img.resize((image.width, image.height), Image.BILINEAR)
            pixels = np.asarray(img, dtype=np.float32)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise InvalidRequest(f"{where}: the binary value is not an image Pillow can read ({exc})") from None
    values = (pixels * image.scale - image.mean) / image.std
    c, h, w = image.channels, image.height, image.width
    chw = values.reshape(h, w, c).transpose(2, 0, 1)
    want = tuple(spec.shape[1:])
    for layout in (chw, chw.transpose(1, 2, 0), chw.reshape(-1)) + ((chw[0],) if c == 1 else ()):
        if len(layout.shape) == len(want) and all(d < 0 or d == n for d, n in zip(want, layout.shape)):
            return np.ascontiguousarray(layout, dtype=spec.dtype)
    raise InvalidRequest(f"{where}: a {c}x{h}x{w} image does not fit the input's shape {list(spec.shape)}; fix the "
                         "image preprocessing in the model's config")
