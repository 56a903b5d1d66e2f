"""WindowData (R-CNN's fine-tuning input): windows of images listed in a window file, warped to
crop_size x crop_size. Each batch takes fg_fraction of its items from the foreground windows
(overlap >= fg_threshold, their class label) and the rest from the background ones (overlap <
bg_threshold, label 0), drawn at random with replacement, background first as Caffe does.

A window is grown by context_pad pixels of context (after warping) on each side and, with
crop_mode "square", made square first; the part outside the image stays 0 in the crop. Pixels
are BGR (as OpenCV loads them), resized bilinearly with pixel centres aligned and rounded to
8 bits as cv::resize does, mirrored with probability 1/2 when transform_param.mirror, then
(pixel - mean) * scale with transform_param's mean_file (its centre crop) or mean_value.

Window file: blocks of `# index`, image path (under root_folder), channels, height, width, the
number of windows, then one `class overlap x1 y1 x2 y2` line per window (inclusive pixels)."""
import numpy as np

from .. import glog
from ..blobs import read_array
from ..data.convert import load_image
from ..errors import CaffeFileError
from ..rng import rng
from .base import Source
from .registry import layer_type


def read_window_file(path, root, layer):
    """[(image path, [channels, height, width])], and the windows as rows of (image index,
    label, overlap, x1, y1, x2, y2)."""
    try:
        with open(path) as f:
            lines = [line.strip() for line in f]
    except FileNotFoundError:
        raise CaffeFileError(f"layer '{layer}': no such window file {path}") from None
    images, windows, i = [], [], 0

    def take(what):
        nonlocal i
        while i < len(lines) and not lines[i]:
            i += 1
        if i >= len(lines):
            raise CaffeFileError(f"{path}:{i}: the window file ends where {what} should be")
        i += 1
        return lines[i - 1]
    try:
        while True:
            while i < len(lines) and not lines[i]:
                i += 1
            if i >= len(lines):
                break
            head = take("'# <image index>'")
            if not head.startswith("#"):
                raise CaffeFileError(f"{path}:{i}: expected '# <image index>', got {head!r}")
            image = root + take("an image path")
            shape = [int(take("the channels")), int(take("the height")), int(take("the width"))]
            images.append((image, shape))
            for _ in range(int(take("the number of windows"))):
                row = take("a window (class overlap x1 y1 x2 y2)").split()
                if len(row) != 6:
                    raise CaffeFileError(f"{path}:{i}: a window needs 'class overlap x1 y1 x2 y2', got {row}")
                windows.append([len(images) - 1, int(row[0]), float(row[1])] + [int(v) for v in row[2:]])
    except ValueError as exc:
        raise CaffeFileError(f"{path}:{i}: not a number where one should be ({exc})") from None
    return images, np.asarray(windows, np.float64).reshape(-1, 7)


def resize_linear_u8(image, height, width):
    """cv::resize(INTER_LINEAR) of a C x H x W uint8 image: pixel-centre bilinear, rounded."""
    c, h, w = image.shape

    def axis(n_in, n_out):
        pos = np.clip((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, 0, n_in - 1)
        lo = np.floor(pos).astype(np.int64)
        return lo, np.minimum(lo + 1, n_in - 1), pos - lo
    r0, r1, fr = axis(h, height)
    c0, c1, fc = axis(w, width)
    x = image.astype(np.float64)
    rows = x[:, r0] * (1 - fr)[None, :, None] + x[:, r1] * fr[None, :, None]
    out = rows[:, :, c0] * (1 - fc) + rows[:, :, c1] * fc
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


@layer_type("WindowData")
class WindowData(Source):
    tops = (2, 2)

    def setup(self, bottom_shapes):
        p, t = self.param.window_data_param, self.param.transform_param
        if not p.source or not p.batch_size:
            raise self.fail("window_data_param needs a source (window file) and batch_size > 0")
        self.crop = t.crop_size or p.crop_size
        if not self.crop or 2 * p.context_pad >= self.crop:
            raise self.fail(f"needs transform_param.crop_size > 2 * context_pad (crop_size {self.crop}, "
                            f"context_pad {p.context_pad})")
        if p.crop_mode not in ("warp", "square"):
            raise self.fail(f"crop_mode must be 'warp' or 'square', got {p.crop_mode!r}")
        self.images, windows = read_window_file(p.source, p.root_folder, self.name)
        if not len(self.images):
            raise self.fail(f"the window file {p.source} lists no images")
        overlap = windows[:, 2]
        self.fg = windows[overlap >= p.fg_threshold]
        self.bg = windows[overlap < p.bg_threshold].copy()
        self.bg[:, 1] = 0  # background windows are class 0
        if (self.fg[:, 1] <= 0).any():
            raise self.fail("foreground windows must have a class label > 0")
        glog.info(f"Number of images: {len(self.images)}")
        glog.info(f"Number of foreground windows: {len(self.fg)}, background windows: {len(self.bg)}")
        self.num_fg = int(np.float32(p.batch_size) * np.float32(p.fg_fraction))
        if (self.num_fg and not len(self.fg)) or (p.batch_size - self.num_fg and not len(self.bg)):
            raise self.fail(f"a batch takes {self.num_fg} foreground and {p.batch_size - self.num_fg} background "
                            f"windows but the file has {len(self.fg)} and {len(self.bg)}")
        self.channels = self.images[0][1][0]
        self.mean = None
        if t.HasField("mean_file") or p.mean_file:
            mean = read_array(t.mean_file or p.mean_file)
            self.mean = mean.reshape(mean.shape[-3:])
            if self.mean.shape[0] != self.channels or min(self.mean.shape[1:]) < self.crop:
                raise self.fail(f"the mean file {list(self.mean.shape)} must have {self.channels} channels and be at "
                                f"least {self.crop} x {self.crop}")
        self.mean_values = np.asarray(t.mean_value, np.float32) if len(t.mean_value) else None
        if self.mean_values is not None and self.mean_values.size not in (1, self.channels):
            raise self.fail(f"give 1 mean_value or one per channel ({self.channels})")
        self.scale = p.scale if p.HasField("scale") else t.scale
        self.mirror = t.mirror or p.mirror
        self._cache = {}
        return []

    def top_shapes(self):
        b = self.param.window_data_param.batch_size
        return [(b, self.channels, self.crop, self.crop), (b,)]

    def _image(self, index):
        path, shape = self.images[index]
        image = self._cache.get(index)
        if image is None:
            image = load_image(path, color=shape[0] != 1)
            if self.param.window_data_param.cache_images:
                self._cache[index] = image
        return image

    def next_batch(self):
        p = self.param.window_data_param
        n, crop = p.batch_size, self.crop
        data = np.zeros((n, self.channels, crop, crop), np.float32)
        labels = np.zeros(n, np.float32)
        item = 0
        for pool, count in ((self.bg, n - self.num_fg), (self.fg, self.num_fg)):
            for _ in range(count):
                window = pool[int(rng().integers(0, len(pool)))]
                mirror = bool(self.mirror and rng().integers(0, 2))
                data[item] = self._crop(window, mirror)
                labels[item] = window[1]
                item += 1
        return [data, labels]

    def _crop(self, window, mirror):
        """One window as a channels x crop x crop float array (Caffe's WindowDataLayer geometry)."""
        p, crop = self.param.window_data_param, self.crop
        image = self._image(int(window[0]))
        rows, cols = image.shape[1:]
        x1, y1, x2, y2 = (int(v) for v in window[3:])
        out_h = out_w = crop
        pad_h = pad_w = 0
        if p.context_pad > 0 or p.crop_mode == "square":
            f32 = np.float32
            context = f32(crop) / f32(crop - 2 * p.context_pad)
            half_h, half_w = f32(y2 - y1 + 1) / f32(2), f32(x2 - x1 + 1) / f32(2)
            cx, cy = f32(x1) + half_w, f32(y1) + half_h
            if p.crop_mode == "square":
                half_h = half_w = max(half_h, half_w)
            x1, x2 = int(np.round(cx - half_w * context)), int(np.round(cx + half_w * context))
            y1, y2 = int(np.round(cy - half_h * context)), int(np.round(cy + half_h * context))
            full_h, full_w = y2 - y1 + 1, x2 - x1 + 1
            px1, py1 = max(0, -x1), max(0, -y1)
            px2, py2 = max(0, x2 - cols + 1), max(0, y2 - rows + 1)
            x1, x2, y1, y2 = x1 + px1, x2 - px2, y1 + py1, y2 - py2
            if x1 > x2 or y1 > y2:
                raise self.shape_error(f"window {[int(v) for v in window[3:]]} of image {self.images[int(window[0])][0]} "
                                       "lies outside the image")
            sx, sy = f32(crop) / f32(full_w), f32(crop) / f32(full_h)
            out_w, out_h = int(np.round(f32(x2 - x1 + 1) * sx)), int(np.round(f32(y2 - y1 + 1) * sy))
            px1, px2, py1 = (int(np.round(f32(v) * s)) for v, s in ((px1, sx), (px2, sx), (py1, sy)))
            pad_h, pad_w = py1, (px2 if mirror else px1)
            out_h, out_w = min(out_h, crop - pad_h), min(out_w, crop - pad_w)
        if not (0 <= x1 <= x2 < cols and 0 <= y1 <= y2 < rows):
            raise self.shape_error(f"window {[int(v) for v in window[3:]]} does not fit image "
                                   f"{self.images[int(window[0])][0]} ({rows} x {cols})")
        patch = resize_linear_u8(image[:, y1:y2 + 1, x1:x2 + 1], max(out_h, 1), max(out_w, 1))
        if mirror:
            patch = patch[:, :, ::-1]
        values = patch.astype(np.float32)
        if self.mean is not None:
            off_h, off_w = (self.mean.shape[1] - crop) // 2, (self.mean.shape[2] - crop) // 2
            values = values - self.mean[:, off_h + pad_h:off_h + pad_h + patch.shape[1],
                                        off_w + pad_w:off_w + pad_w + patch.shape[2]]
        elif self.mean_values is not None:
            values = values - self.mean_values.reshape(-1, 1, 1)
        out = np.zeros((self.channels, crop, crop), np.float32)
        out[:, pad_h:pad_h + patch.shape[1], pad_w:pad_w + patch.shape[2]] = values * np.float32(self.scale)
        return out
