"""Caffe's data tools: convert_mnist_data (IDX -> LMDB of Datum), convert_imageset (a list of
`path label` lines -> LMDB), compute_image_mean (LMDB -> mean .binaryproto)."""
import os

import numpy as np

from .. import glog
from ..blobs import write_array
from ..errors import CaffeFileError
from ..proto import caffe_pb2 as pb
from ..rng import rng
from .datum import datum_to_array, parse_datum
from .idx import read_idx
from .lmdb_store import Reader, Writer


def convert_mnist(images_path, labels_path, db_path):
    """MNIST IDX images and labels -> an LMDB of 1 x 28 x 28 uint8 Datums keyed %08d (Caffe's
    convert_mnist_data). Returns the number of records."""
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.ndim != 3 or labels.ndim != 1:
        raise CaffeFileError(f"{images_path} / {labels_path}: expected an idx3 image file and an idx1 label file")
    if len(images) != len(labels):
        raise CaffeFileError(f"{images_path} has {len(images)} images but {labels_path} has {len(labels)} labels")
    rows, cols = images.shape[1:]
    glog.info(f"A total of {len(images)} items.")
    glog.info(f"Rows: {rows} Cols: {cols}")
    datum = pb.Datum(channels=1, height=rows, width=cols)
    with Writer(db_path) as db:
        for i, (image, label) in enumerate(zip(images, labels)):
            datum.data = image.tobytes()
            datum.label = int(label)
            db.put(f"{i:08d}", datum.SerializeToString())
            if (i + 1) % 1000 == 0:
                glog.info(f"Processed {i + 1} files.")
    if len(images) % 1000:
        glog.info(f"Processed {len(images)} files.")
    return len(images)


def read_list(list_file):
    """(path, label) pairs of an image list: each line split at its last space."""
    pairs = []
    try:
        with open(list_file) as f:
            for number, line in enumerate(f, 1):
                line = line.rstrip("\n")
                if not line.strip():
                    continue
                path, _, label = line.rpartition(" ")
                try:
                    pairs.append((path, int(label)))
                except ValueError:
                    raise CaffeFileError(f"{list_file}:{number}: expected '<path> <integer label>', got {line!r}") \
                        from None
    except FileNotFoundError:
        raise CaffeFileError(f"{list_file}: no such image list file") from None
    return pairs


def load_image(path, height=0, width=0, color=True):
    """An image file as a uint8 C x H x W array (BGR when color, as OpenCV loads it), resized to
    height x width when both are given (bilinear)."""
    from PIL import Image
    try:
        with Image.open(path) as image:
            image = image.convert("RGB" if color else "L")
            if height and width:
                image = image.resize((width, height), Image.BILINEAR)
            array = np.asarray(image)
    except FileNotFoundError:
        raise CaffeFileError(f"{path}: no such image file") from None
    except OSError as exc:
        raise CaffeFileError(f"{path}: cannot read the image: {exc}") from None
    return np.ascontiguousarray(array[:, :, ::-1].transpose(2, 0, 1)) if color else array[None].copy()


def convert_imageset(root, list_file, db_path, gray=False, shuffle=False, resize_height=0, resize_width=0,
                     check_size=False, encoded=False, encode_type=""):
    """Caffe's convert_imageset: the images of a list file (paths relative to `root`) -> an LMDB of
    Datums keyed %08d_<path>. Returns the number of records."""
    pairs = read_list(list_file)
    if shuffle:
        glog.info("Shuffling data")
        order = rng().permutation(len(pairs))
        pairs = [pairs[i] for i in order]
    glog.info(f"A total of {len(pairs)} images.")
    if encode_type and not encoded:
        glog.info("encode_type specified, assuming encoded=true.")
        encoded = True
    size = None
    count = 0
    with Writer(db_path) as db:
        for i, (path, label) in enumerate(pairs):
            full = root + path
            if encoded and not (resize_height or resize_width) and not gray:
                with open(full, "rb") as f:
                    raw = f.read()
                datum = pb.Datum(data=raw, label=label, encoded=True)
                if encode_type:
                    datum.data = _encode(load_image(full, color=True), encode_type)
            else:
                array = load_image(full, resize_height, resize_width, color=not gray)
                if encoded:
                    datum = pb.Datum(data=_encode(array, encode_type or os.path.splitext(path)[1][1:] or "png"),
                                     label=label, encoded=True)
                else:
                    datum = pb.Datum(channels=array.shape[0], height=array.shape[1], width=array.shape[2],
                                     data=array.tobytes(), label=label)
                if check_size:
                    if size is None:
                        size = array.shape
                    elif array.shape != size:
                        raise CaffeFileError(f"{full}: image size {array.shape} differs from the first "
                                             f"image's {size} (--check_size)")
            db.put(f"{i:08d}_{path}", datum.SerializeToString())
            count += 1
            if count % 1000 == 0:
                glog.info(f"Processed {count} files.")
    if count % 1000:
        glog.info(f"Processed {count} files.")
    return count


def _encode(array, kind):
    """A C x H x W BGR (or 1-channel) uint8 array as image-file bytes of `kind` (png, jpg, ...)."""
    import io
    from PIL import Image
    image = Image.fromarray(array[0] if array.shape[0] == 1 else array[::-1].transpose(1, 2, 0))
    out = io.BytesIO()
    image.save(out, format={"jpg": "JPEG", "jpeg": "JPEG"}.get(kind.lower(), kind.upper()))
    return out.getvalue()


def compute_image_mean(db_path, output=None):
    """Caffe's compute_image_mean: the per-pixel mean of every Datum in an LMDB, written as a
    legacy 4-D .binaryproto when `output` is given. Returns the (C, H, W) mean."""
    reader = Reader(db_path, "compute_image_mean")
    total, count, shape = None, 0, None
    for _ in range(reader.entries):
        key, value = reader.next()
        where = f"LMDB {db_path} record {key.decode(errors='replace')!r}"
        array = datum_to_array(parse_datum(value, where), where).astype(np.float64)
        if total is None:
            total, shape = np.zeros_like(array), array.shape
        elif array.shape != shape:
            raise CaffeFileError(f"{where}: shape {list(array.shape)} differs from the first record's {list(shape)}")
        total += array
        count += 1
        if count % 10000 == 0:
            glog.info(f"Processed {count} files.")
    reader.close()
    mean = (total / max(count, 1)).astype(np.float32)
    glog.info(f"Number of channels: {mean.shape[0]}")
    for c in range(mean.shape[0]):
        glog.info(f"mean_value channel [{c}]: {float(mean[c].mean()):g}")
    if output:
        glog.info(f"Write to {output}")
        write_array(output, mean, legacy=True)
    return mean
