"""pycaffe's `caffe.io`: blobs and datums to and from NumPy, images loaded as pycaffe loads them
(RGB, float in [0, 1], H x W x K), resizing, ten-crop oversampling, and the `Transformer` that
turns such images into a net's input blobs.

    from unigrad import caffe
    t = caffe.io.Transformer({"data": net.blobs["data"].data.shape})
    t.set_transpose("data", (2, 0, 1)); t.set_channel_swap("data", (2, 1, 0)); t.set_raw_scale("data", 255)
    net.blobs["data"].data[...] = t.preprocess("data", caffe.io.load_image("cat.jpg"))

Differences from pycaffe: arrays read from blobs are float32 (Caffe's storage; pycaffe gives
float64), and resizing is NumPy's bilinear (pixel centres, edges clamped) where pycaffe calls
scikit-image, so resized pixels can differ in the last digits."""
import numpy as np

from .blobs import array_to_blob, blob_to_array
from .data.datum import array_to_datum as _array_to_datum
from .data.datum import datum_to_array as _datum_to_array
from .errors import CaffeFileError, NetDefinitionError
from .proto import caffe_pb2 as pb

__all__ = ["blobproto_to_array", "array_to_blobproto", "arraylist_to_blobprotovector_str",
           "blobprotovector_str_to_arraylist", "array_to_datum", "datum_to_array", "load_image", "resize_image",
           "oversample", "Transformer"]


def blobproto_to_array(blob, return_diff=False):
    """A BlobProto's data (or diff) as an array of its shape (legacy num/channels/height/width
    when those are set)."""
    return blob_to_array(blob, diff=return_diff)


def array_to_blobproto(arr, diff=None):
    """An array (and optionally its diff) as a BlobProto with `shape` set."""
    arr = np.asarray(arr)
    if diff is not None and np.shape(diff) != arr.shape:
        raise NetDefinitionError(f"array_to_blobproto: diff shape {list(np.shape(diff))} differs from the data's "
                                 f"{list(arr.shape)}")
    return array_to_blob(arr, diff)


def arraylist_to_blobprotovector_str(arraylist):
    """Arrays as the bytes of a BlobProtoVector."""
    vector = pb.BlobProtoVector()
    for arr in arraylist:
        vector.blobs.add().CopyFrom(array_to_blobproto(arr))
    return vector.SerializeToString()


def blobprotovector_str_to_arraylist(data):
    """The arrays in the bytes of a BlobProtoVector."""
    try:
        vector = pb.BlobProtoVector.FromString(data)
    except Exception as exc:  # protobuf's DecodeError
        raise CaffeFileError(f"blobprotovector_str_to_arraylist: not a BlobProtoVector ({len(data)} bytes; "
                             f"{exc})") from None
    return [blobproto_to_array(blob) for blob in vector.blobs]


def array_to_datum(arr, label=None):
    """A C x H x W array as a Datum: uint8 as raw bytes, anything else as float_data."""
    return _array_to_datum(arr, label)


def datum_to_array(datum):
    """A Datum's pixels as a C x H x W array (uint8 for raw and encoded data, else float32); the
    label is `datum.label`."""
    return _datum_to_array(datum)


def load_image(filename, color=True):
    """An image file as pycaffe returns it: float32 in [0, 1], H x W x 3 RGB (H x W x 1 when
    `color` is False)."""
    from PIL import Image
    try:
        with Image.open(filename) as image:
            array = np.asarray(image.convert("RGB" if color else "L"), np.float32) / np.float32(255)
    except FileNotFoundError:
        raise CaffeFileError(f"{filename}: no such image file") from None
    except OSError as exc:
        raise CaffeFileError(f"{filename}: cannot read the image: {exc}") from None
    return array if color else array[:, :, None]


def _axis_weights(n_in, n_out):
    """Source indices and weights of a bilinear resize along one axis (pixel-centre aligned)."""
    pos = (np.arange(n_out, dtype=np.float64) + 0.5) * (n_in / n_out) - 0.5
    pos = np.clip(pos, 0, n_in - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, n_in - 1)
    return lo, hi, (pos - lo).astype(np.float32)


def resize_image(im, new_dims, interp_order=1):
    """An H x W x K image resized to `new_dims` (height, width): bilinear for interp_order >= 1,
    nearest neighbour for 0."""
    im = np.asarray(im, np.float32)
    if im.ndim != 3:
        raise NetDefinitionError(f"resize_image: expected an H x W x K image, got shape {list(im.shape)}")
    h, w = int(new_dims[0]), int(new_dims[1])
    if h <= 0 or w <= 0:
        raise NetDefinitionError(f"resize_image: new_dims must be positive, got {list(new_dims)}")
    if (h, w) == im.shape[:2]:
        return im.copy()
    if interp_order == 0:
        rows = np.minimum(((np.arange(h) + 0.5) * im.shape[0] / h).astype(np.int64), im.shape[0] - 1)
        cols = np.minimum(((np.arange(w) + 0.5) * im.shape[1] / w).astype(np.int64), im.shape[1] - 1)
        return im[rows][:, cols]
    r0, r1, fr = _axis_weights(im.shape[0], h)
    c0, c1, fc = _axis_weights(im.shape[1], w)
    rows = im[r0] * (1 - fr)[:, None, None] + im[r1] * fr[:, None, None]
    return rows[:, c0] * (1 - fc)[None, :, None] + rows[:, c1] * fc[None, :, None]


def oversample(images, crop_dims):
    """Ten crops of each H x W x K image (the four corners and the centre, then the same five
    mirrored left-right), as an (10 N) x h x w x K float32 array."""
    images = [np.asarray(im, np.float32) for im in images]
    ch, cw = int(crop_dims[0]), int(crop_dims[1])
    out = []
    for im in images:
        h, w = im.shape[:2]
        if ch > h or cw > w:
            raise NetDefinitionError(f"oversample: crop {ch}x{cw} is larger than the {h}x{w} image")
        cy, cx = int(h / 2.0 - ch / 2.0), int(w / 2.0 - cw / 2.0)
        starts = [(0, 0), (0, w - cw), (h - ch, 0), (h - ch, w - cw), (cy, cx)]
        crops = [im[y:y + ch, x:x + cw] for y, x in starts]
        out += crops + [c[:, ::-1] for c in crops]
    return np.stack(out).astype(np.float32) if out else np.zeros((0, ch, cw, 0), np.float32)


class Transformer:
    """pycaffe's input preprocessing for blobs named in `inputs` (name -> blob shape N x K x H x W).

    preprocess: float32, resize to the blob's H x W, transpose, channel swap, x raw_scale,
    - mean, x input_scale. deprocess undoes them in reverse order (except the resize)."""

    def __init__(self, inputs):
        self.inputs = {name: tuple(int(d) for d in shape) for name, shape in inputs.items()}
        self.transpose, self.channel_swap, self.raw_scale, self.mean, self.input_scale = {}, {}, {}, {}, {}

    def _check(self, in_):
        if in_ not in self.inputs:
            raise NetDefinitionError(f"{in_!r} is not one of the net inputs: {sorted(self.inputs)}")

    def set_transpose(self, in_, order):
        """The axis order taking the image (H x W x K) to the blob's (K x H x W), e.g. (2, 0, 1)."""
        self._check(in_)
        if len(order) != len(self.inputs[in_]) - 1:
            raise NetDefinitionError(f"set_transpose({in_!r}): order {list(order)} must have "
                                     f"{len(self.inputs[in_]) - 1} axes")
        self.transpose[in_] = tuple(order)

    def set_channel_swap(self, in_, order):
        """The channel order after the transpose, e.g. (2, 1, 0) for RGB -> Caffe's BGR."""
        self._check(in_)
        if len(order) != self.inputs[in_][1]:
            raise NetDefinitionError(f"set_channel_swap({in_!r}): order {list(order)} must have as many entries as "
                                     f"the input has channels ({self.inputs[in_][1]})")
        self.channel_swap[in_] = tuple(order)

    def set_raw_scale(self, in_, scale):
        """The factor applied before the mean is subtracted (255 takes [0, 1] images to [0, 255])."""
        self._check(in_)
        self.raw_scale[in_] = scale

    def set_mean(self, in_, mean):
        """The mean subtracted: one value per channel (K,) or a K x H x W array."""
        self._check(in_)
        mean = np.asarray(mean, np.float32)
        shape = self.inputs[in_][1:]
        if mean.ndim == 1:
            if mean.shape[0] != shape[0]:
                raise NetDefinitionError(f"set_mean({in_!r}): {mean.shape[0]} channel means for an input with "
                                         f"{shape[0]} channels")
            mean = mean[:, None, None]
        else:
            if mean.ndim == 2:
                mean = mean[None]
            if mean.shape != shape:
                raise NetDefinitionError(f"set_mean({in_!r}): mean shape {list(mean.shape)} is incompatible with "
                                         f"the input shape {list(shape)}")
        self.mean[in_] = mean

    def set_input_scale(self, in_, scale):
        """The factor applied after the mean is subtracted."""
        self._check(in_)
        self.input_scale[in_] = scale

    def preprocess(self, in_, data):
        """An H x W x K image as a K x H x W float32 blob item."""
        self._check(in_)
        x = np.asarray(data, np.float32)
        size = self.inputs[in_][2:]
        if x.ndim == 3 and tuple(x.shape[:2]) != size:
            x = resize_image(x, size)
        if in_ in self.transpose:
            x = x.transpose(self.transpose[in_])
        if in_ in self.channel_swap:
            x = x[list(self.channel_swap[in_]), :, :]
        if in_ in self.raw_scale:
            x = x * np.float32(self.raw_scale[in_])
        if in_ in self.mean:
            x = x - self.mean[in_]
        if in_ in self.input_scale:
            x = x * np.float32(self.input_scale[in_])
        return np.ascontiguousarray(x, np.float32)

    def deprocess(self, in_, data):
        """A blob item (K x H x W) back as the H x W x K image `preprocess` was given."""
        self._check(in_)
        x = np.array(data, np.float32).squeeze()
        if x.ndim == 2:
            x = x[None]
        if in_ in self.input_scale:
            x = x / np.float32(self.input_scale[in_])
        if in_ in self.mean:
            x = x + self.mean[in_]
        if in_ in self.raw_scale:
            x = x / np.float32(self.raw_scale[in_])
        if in_ in self.channel_swap:
            x = x[list(np.argsort(self.channel_swap[in_])), :, :]
        if in_ in self.transpose:
            x = x.transpose(np.argsort(self.transpose[in_]))
        return x
