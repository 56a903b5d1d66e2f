"""Datum <-> NumPy: raw uint8 C x H x W pixels (or float_data), or an encoded image file
(decoded with Pillow to BGR, as Caffe's OpenCV does), and the integer label."""
import io

import numpy as np

from ..errors import CaffeFileError
from ..proto import caffe_pb2 as pb


def parse_datum(value, where):
    """The Datum in an LMDB value; anything else raises CaffeFileError naming the record."""
    try:
        datum = pb.Datum.FromString(value)
    except Exception as exc:  # protobuf's DecodeError and friends
        raise CaffeFileError(f"{where}: the record is not a Caffe Datum ({len(value)} bytes; {exc}); the database "
                             "must hold Datum records as convert-mnist / convert-imageset write them") from None
    if not datum.HasField("channels") and not datum.encoded and not len(datum.float_data):
        raise CaffeFileError(f"{where}: the record is not a Caffe Datum (no channels/height/width, not encoded); "
                             "the database must hold Datum records as convert-mnist / convert-imageset write them")
    return datum


def decode_image(data, color=True):
    """An encoded image (JPEG, PNG, ...) as a uint8 C x H x W array, BGR when `color`."""
    from PIL import Image
    with Image.open(io.BytesIO(data)) as image:
        array = np.asarray(image.convert("RGB" if color else "L"))
    if color:
        return np.ascontiguousarray(array[:, :, ::-1].transpose(2, 0, 1))
    return array[None]


def datum_to_array(datum, where="datum", force_color=False, force_gray=False):
    """The datum's pixels as an array of shape (C, H, W): uint8 for raw and encoded data,
    float32 for float_data."""
    if datum.encoded:
        color = force_color or (not force_gray and datum.channels != 1)
        return decode_image(datum.data, color)
    shape = (datum.channels, datum.height, datum.width)
    n = shape[0] * shape[1] * shape[2]
    if len(datum.data):
        if len(datum.data) != n:
            raise CaffeFileError(f"{where}: holds {len(datum.data)} bytes of pixels for a {shape} datum ({n} needed)")
        return np.frombuffer(datum.data, np.uint8).reshape(shape)
    values = np.asarray(datum.float_data, np.float32)
    if values.size != n:
        raise CaffeFileError(f"{where}: holds {values.size} float values for a {shape} datum ({n} needed)")
    return values.reshape(shape)


def array_to_datum(array, label=None):
    """pycaffe's caffe.io.array_to_datum: a C x H x W array as a Datum (uint8 arrays as raw
    bytes, others as float_data)."""
    array = np.asarray(array)
    if array.ndim != 3:
        from ..errors import NetDefinitionError
        raise NetDefinitionError(f"array_to_datum: expected a C x H x W array, got shape {list(array.shape)}")
    datum = pb.Datum(channels=array.shape[0], height=array.shape[1], width=array.shape[2])
    if array.dtype == np.uint8:
        datum.data = array.tobytes()
    else:
        datum.float_data.extend(array.astype(np.float32).ravel().tolist())
    if label is not None:
        datum.label = int(label)
    return datum


def encoded_datum(image_bytes, label, channels=3, height=0, width=0):
    """A Datum holding an encoded image file (convert-imageset --encoded)."""
    datum = pb.Datum(channels=channels, height=height, width=width, data=image_bytes, label=int(label), encoded=True)
    return datum
