"""tf.image: resizing (bilinear and nearest neighbour, with TF1's sampling grid), flips, crops
and standardization of NHWC images (a single HWC image works too).

TF1's resize_images samples output pixel i at input coordinate i * in / out (align_corners=False),
i * (in - 1) / (out - 1) (align_corners=True), or (i + 0.5) * in / out - 0.5 (half_pixel_centers,
TF2's rule); bilinear interpolates between the two nearest rows/columns, nearest neighbour takes
floor (round with align_corners). Both are written with index_select and weights, so gradients
flow to the images.
"""
import numpy as np

from ...core.tensor import tensor
from ...errors import InvalidArgumentError
from ...ops import api as F
from .factories import op_generator, uniform_like
from .graph import Tensor
from .ops import convert_to_tensor
from .shape_args import shape_arg
from .not_covered import module_getattr


class ResizeMethod:
    BILINEAR, NEAREST_NEIGHBOR, BICUBIC, AREA = 0, 1, 2, 3


_METHODS = {"bilinear": 0, "nearest": 1, "bicubic": 2, "area": 3}


def _coordinates(out_size, in_size, align_corners, half_pixel):
    out = np.arange(out_size, dtype=np.float64)
    if align_corners and out_size > 1:
        return out * (in_size - 1) / (out_size - 1)
    scale = in_size / out_size
    return (out + 0.5) * scale - 0.5 if half_pixel else out * scale


def _bilinear_axis(v, axis, out_size, align_corners, half_pixel):
    size = v.shape[axis]
    coords = _coordinates(out_size, size, align_corners, half_pixel)
    low = np.clip(np.floor(coords), 0, size - 1).astype(np.int64)
    high = np.minimum(low + 1, size - 1)
    frac = np.clip(coords - np.floor(coords), 0, 1) if not half_pixel else np.where(coords < 0, 0.0,
                                                                                 coords - np.floor(coords))
    shape = [1] * v.ndim
    shape[axis] = out_size
    w = F.reshape(tensor(frac.astype(v.dtype.np), device=v.device), tuple(shape))
    a = F.index_select(v, axis, tensor(low, device=v.device))
    b = F.index_select(v, axis, tensor(high, device=v.device))
    return F.add(a, F.mul(F.sub(b, a), w))


def _nearest_axis(v, axis, out_size, align_corners, half_pixel):
    size = v.shape[axis]
    coords = _coordinates(out_size, size, align_corners, False)
    if align_corners:
        index = np.round(coords)
    elif half_pixel:
        index = np.floor((np.arange(out_size) + 0.5) * size / out_size)
    else:
        index = np.floor(coords)
    index = np.clip(index, 0, size - 1).astype(np.int64)
    return F.index_select(v, axis, tensor(index, device=v.device))


def _resize(images, size, method, align_corners, half_pixel_centers, name):
    x = convert_to_tensor(images)
    method = _METHODS.get(method, method) if isinstance(method, str) else method
    if method not in (ResizeMethod.BILINEAR, ResizeMethod.NEAREST_NEIGHBOR):
        raise InvalidArgumentError("tf.image.resize: only BILINEAR and NEAREST_NEIGHBOR are covered by unigrad "
                                   "(BICUBIC and AREA are not yet)")
    if x._shape is not None and len(x._shape) not in (3, 4):
        raise InvalidArgumentError(f"tf.image.resize: images must be [batch, height, width, channels] or "
                                   f"[height, width, channels], got {x.shape}")
    arg = shape_arg(size, "tf.image.resize size")
    if arg.static is not None and len(arg.static) != 2:
        raise InvalidArgumentError(f"tf.image.resize: size must be [new_height, new_width], got {list(arg.static)}")
    axis_fn = _bilinear_axis if method == ResizeMethod.BILINEAR else _nearest_axis

    def fn(v, *size_values):
        height, width = arg.build(*size_values)
        batched = v if v.ndim == 4 else F.unsqueeze(v, 0)
        if method == ResizeMethod.BILINEAR and not batched.dtype.is_floating_point:
            batched = F.to_dtype(batched, "float32")  # TF returns float32 for bilinear
        out = axis_fn(axis_fn(batched, 1, height, align_corners, half_pixel_centers), 2, width, align_corners,
                      half_pixel_centers)
        return out if v.ndim == 4 else F.squeeze(out, 0)
    static = None
    if x._shape is not None and arg.static is not None:
        static = (x._shape[0],) + tuple(arg.static) + (x._shape[-1],) if len(x._shape) == 4 else \
            tuple(arg.static) + (x._shape[-1],)
    dtype = x.dtype if method == ResizeMethod.NEAREST_NEIGHBOR or x.dtype.is_floating_point else "float32"
    return Tensor("op", [x] + arg.inputs, fn, name or "resize", dtype, static)


def resize_images(images, size, method=ResizeMethod.BILINEAR, align_corners=False, preserve_aspect_ratio=False,
                  name=None):
    """TF1's resize_images (BILINEAR or NEAREST_NEIGHBOR), on TF1's sampling grid."""
    return _resize(images, size, method, align_corners, False, name)


def resize(images, size, method=ResizeMethod.BILINEAR, align_corners=False, preserve_aspect_ratio=False, name=None):
    """tf.compat.v1.image.resize: the same as resize_images."""
    return _resize(images, size, method, align_corners, False, name)


def resize_bilinear(images, size, align_corners=False, name=None, half_pixel_centers=False):
    return _resize(images, size, ResizeMethod.BILINEAR, align_corners, half_pixel_centers, name)


def resize_nearest_neighbor(images, size, align_corners=False, name=None, half_pixel_centers=False):
    return _resize(images, size, ResizeMethod.NEAREST_NEIGHBOR, align_corners, half_pixel_centers, name)


def _image_op(images, fn, name, shape=None):
    x = convert_to_tensor(images)
    return Tensor("op", [x], fn, name, x.dtype, x._shape if shape is None else shape)


def flip_left_right(image):
    return _image_op(image, lambda v: F.flip(v, (-2,)), "flip_left_right")


def flip_up_down(image):
    return _image_op(image, lambda v: F.flip(v, (-3,)), "flip_up_down")


def _random_flip(image, axis, seed, name):
    """Each image flipped along `axis` with probability 1/2 (each run anew)."""
    x = convert_to_tensor(image)
    gen = op_generator(seed)

    def fn(v):
        batched = v if v.ndim == 4 else F.unsqueeze(v, 0)
        coin = F.reshape(F.lt(uniform_like(F.zeros(batched.shape[0], device=batched.device), gen), 0.5), (-1, 1, 1, 1))
        out = F.where(coin, F.flip(batched, (axis,)), batched)
        return out if v.ndim == 4 else F.squeeze(out, 0)
    return Tensor("random", [x], fn, name, x.dtype, x._shape)


def random_flip_left_right(image, seed=None):
    return _random_flip(image, 2, seed, "random_flip_left_right")


def random_flip_up_down(image, seed=None):
    return _random_flip(image, 1, seed, "random_flip_up_down")


def per_image_standardization(image):
    """(x - mean) / max(stddev, 1 / sqrt(pixels)) over each image's pixels and channels."""
    def fn(v):
        dims = tuple(range(v.ndim - 3, v.ndim))
        n = int(np.prod(v.shape[-3:]))
        v = F.to_dtype(v, "float32") if not v.dtype.is_floating_point else v
        mean = F.mean(v, dim=dims, keepdim=True)
        std = F.sqrt(F.var(v, dim=dims, keepdim=True, correction=0))
        return F.div(F.sub(v, mean), F.clamp(std, min=1.0 / np.sqrt(n)))
    return _image_op(image, fn, "per_image_standardization")


def resize_image_with_crop_or_pad(image, target_height, target_width):
    """Centre-crop or zero-pad each image to target_height x target_width."""
    def fn(v):
        h_axis = v.ndim - 3
        for axis, target in ((h_axis, target_height), (h_axis + 1, target_width)):
            size = v.shape[axis]
            if size > target:
                start = (size - target) // 2
                index = [slice(None)] * v.ndim
                index[axis] = slice(start, start + target)
                v = v[tuple(index)]
            elif size < target:
                before = (target - size) // 2
                pads = [0, 0] * (v.ndim - 1 - axis) + [before, target - size - before]
                v = F.pad(v, tuple(pads))
        return v
    x = convert_to_tensor(image)
    shape = None if x._shape is None else x._shape[:-3] + (target_height, target_width, x._shape[-1])
    return _image_op(image, fn, "resize_image_with_crop_or_pad", shape)


resize_with_crop_or_pad = resize_image_with_crop_or_pad


def rgb_to_grayscale(images, name=None):
    """Luma 0.2989 R + 0.5870 G + 0.1140 B, keeping a channel axis of 1."""
    x = convert_to_tensor(images)
    weights = np.array([0.2989, 0.5870, 0.1140])

    def fn(v):
        w = tensor(weights.astype(v.dtype.np if v.dtype.is_floating_point else np.float32), device=v.device)
        return F.sum(F.mul(v, w), dim=-1, keepdim=True)
    return Tensor("op", [x], fn, name or "rgb_to_grayscale", x.dtype,
                  None if x._shape is None else x._shape[:-1] + (1,))


def grayscale_to_rgb(images, name=None):
    x = convert_to_tensor(images)
    return Tensor("op", [x], lambda v: F.cat([v, v, v], -1), name or "grayscale_to_rgb", x.dtype,
                  None if x._shape is None else x._shape[:-1] + (3,))


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """Integers <-> floats in [0, 1] (uint8 255 is 1.0), as TF scales them."""
    from ...backend import dtypes as _dt
    x = convert_to_tensor(image)
    target = _dt.to_dtype(dtype)

    def fn(v):
        if v.dtype is target:
            return v
        if not v.dtype.is_floating_point and target.is_floating_point:
            return F.div(F.to_dtype(v, target), float(np.iinfo(v.dtype.np).max))
        if v.dtype.is_floating_point and not target.is_floating_point:
            return F.to_dtype(F.add(F.mul(v, float(np.iinfo(target.np).max)), 0.5), target)
        return F.to_dtype(v, target)
    return Tensor("op", [x], fn, name or "convert_image", target, x._shape)


__getattr__ = module_getattr("tf.image", lambda: list(globals()))
