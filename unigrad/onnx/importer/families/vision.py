"""Vision ops: GridSample (N-D, linear/nearest/cubic, zeros/border/reflection padding) built of
gathers, so it is differentiable in the data and the grid; Col2Im over unigrad's col2im (2-D) or
accumulating index_puts (N-D);
RoiAlign and NonMaxSuppression, which work on the values of boxes (their results depend on the
data, so a compiled call holding them runs eagerly)."""
import itertools

import numpy as np

from ....ops import api as F
from ..rules import rule
from .common import ints


def _denormalize(ctx, g, length, align_corners):
    if align_corners:
        return F.mul(F.add(g, 1.0), (length - 1) / 2.0)
    return F.div(F.sub(F.mul(F.add(g, 1.0), float(length)), 1.0), 2.0)


def _reflect(ctx, v, low, high):
    """Fold coordinates outside [low, high] back inside by reflecting at the borders."""
    span = high - low
    if span <= 0:
        return F.zeros_like(v)
    below = F.sub(low, v)
    above = F.sub(v, high)
    out = v
    for dist, near, far, sign in ((below, low, high, 1.0), (above, high, low, -1.0)):
        folds = F.trunc(F.div(dist, span))
        rest = F.sub(dist, F.mul(folds, span))
        even = F.eq(F.fmod(folds, 2.0), 0.0)
        reflected = F.where(even, F.add(F.mul(rest, sign), near), F.sub(far, F.mul(rest, sign)))
        out = F.where(F.gt(dist, 0.0), reflected, out)
    return out


def _cubic_weights(t, a=-0.75):
    """Keys' cubic convolution weights of the taps at -1, 0, 1, 2 for fraction t."""
    def near(x):
        return F.add(F.mul(F.mul(F.sub(F.mul(x, a + 2), a + 3), x), x), 1.0)

    def far(x):
        return F.sub(F.mul(F.add(F.mul(F.sub(F.mul(x, a), 5 * a), x), 8 * a), x), 4 * a)
    one_minus = F.rsub(t, 1.0)
    return [far(F.add(t, 1.0)), near(t), near(one_minus), far(F.add(one_minus, 1.0))]


@rule("GridSample", since=16)
def grid_sample(ctx, x, grid, *, align_corners=0, mode="linear", padding_mode="zeros"):
    mode = {"bilinear": "linear", "bicubic": "cubic"}.get(mode, mode)
    n, c = x.shape[:2]
    dims = list(x.shape[2:])
    nd = len(dims)
    out_spatial = tuple(grid.shape[1:-1])
    work = "float64" if x.dtype.name == "float64" else "float32"
    g = F.to_dtype(grid, work)
    coords = []
    for k, length in enumerate(dims):  # the grid's last dim lists x (the innermost dim) first
        v = _denormalize(ctx, F.getitem(g, (Ellipsis, nd - 1 - k)), length, align_corners)
        if mode == "nearest":
            v = F.round(v)
        low, high = (0.0, length - 1.0) if align_corners else (-0.5, length - 0.5)
        if padding_mode == "border":
            v = F.clamp(v, 0.0, length - 1.0)
        elif padding_mode == "reflection":
            v = _reflect(ctx, v, low, high)
        coords.append((v, low, high, length))
    taps = []
    for v, low, high, length in coords:
        if mode == "nearest":
            taps.append([(v, None)])
            continue
        base = F.floor(v)
        t = F.sub(v, base)
        if mode == "linear":
            taps.append([(base, F.rsub(t, 1.0)), (F.add(base, 1.0), t)])
        else:
            weights = _cubic_weights(t)
            taps.append([(F.add(base, float(o)), w) for o, w in zip((-1, 0, 1, 2), weights)])
    flat = F.reshape(x, (n, c, -1))
    strides = [int(np.prod(dims[k + 1:])) for k in range(nd)]
    total = None
    for combo in itertools.product(*taps):
        weight, index, valid = None, None, None
        for k, ((pos, w), (v, low, high, length)) in enumerate(zip(combo, coords)):
            if padding_mode == "zeros":
                inside = F.logical_and(F.ge(pos, 0.0), F.le(pos, length - 1.0))
                valid = inside if valid is None else F.logical_and(valid, inside)
                p = F.clamp(pos, 0.0, length - 1.0)
            elif padding_mode == "border":
                p = F.clamp(pos, 0.0, length - 1.0)
            else:
                p = F.clamp(_reflect(ctx, pos, low, high), 0.0, length - 1.0)
            term = F.mul(F.to_dtype(p, "int64"), strides[k])
            index = term if index is None else F.add(index, term)
            if w is not None:
                weight = w if weight is None else F.mul(weight, w)
        picked = F.gather(flat, 2, F.broadcast_to(F.reshape(index, (n, 1, -1)), (n, c, index.numel() // n)))
        picked = F.reshape(picked, (n, c) + out_spatial)
        if weight is not None:
            picked = F.mul(picked, F.to_dtype(F.unsqueeze(weight, 1), picked.dtype))
        if valid is not None:
            picked = F.where(F.unsqueeze(valid, 1), picked, F.zeros_like(picked))
        total = picked if total is None else F.add(total, picked)
    return total


@rule("Col2Im", since=18, static=(1, 2))
def col2im(ctx, x, image_shape, block_shape, *, dilations=None, pads=None, strides=None):
    image, block = ints(image_shape), ints(block_shape)
    n_spatial = len(image)
    if n_spatial != 2:
        return _col2im_nd(ctx, x, image, block, ints(dilations) if dilations else [1] * n_spatial,
                          ints(pads) if pads else [0] * (2 * n_spatial), ints(strides) if strides else [1] * n_spatial)
    dilations = ints(dilations) if dilations else [1, 1]
    pads = ints(pads) if pads else [0, 0, 0, 0]
    strides = ints(strides) if strides else [1, 1]
    n, ck, blocks = x.shape
    c = ck // (block[0] * block[1])
    cols = F.reshape(F.permute(x, dims=(1, 2, 0)), (ck, blocks * n))
    return F.col2im(cols, (n, c, image[0], image[1]), tuple(block), tuple(strides),
                    (pads[0], pads[2], pads[1], pads[3]), tuple(dilations))


def _col2im_nd(ctx, x, image, block, dilations, pads, strides):
    """Col2Im over N-D images: each kernel offset's column values are added at their positions in
    the padded image (one accumulating index_put per offset), then the pads are cropped."""
    nd = len(image)
    n, ck, blocks = x.shape
    taps = int(np.prod(block))
    c = ck // taps
    padded = [size + pads[i] + pads[nd + i] for i, size in enumerate(image)]
    counts = [(p - d * (k - 1) - 1) // s + 1 for p, k, d, s in zip(padded, block, dilations, strides)]
    starts = np.stack(np.meshgrid(*[np.arange(o) * s for o, s in zip(counts, strides)], indexing="ij"), 0)
    starts = starts.reshape(nd, -1)  # (nd, L): each block's first position
    cols = F.reshape(x, (n, c, taps, blocks))
    out = ctx.const(np.zeros(tuple(padded) + (n, c), dtype=x.dtype.np))
    for k, offset in enumerate(np.ndindex(*block)):
        where = tuple(ctx.const((starts[i] + offset[i] * dilations[i]).astype(np.int64)) for i in range(nd))
        out = F.index_put(out, where, F.permute(cols[:, :, k], dims=(2, 0, 1)), accumulate=True)
    out = F.permute(out, dims=(nd, nd + 1) + tuple(range(nd)))
    index = (slice(None), slice(None)) + tuple(slice(pads[i], pads[i] + image[i]) for i in range(nd))
    return out[index]


def _iou(box, others):
    y1 = np.maximum(box[0], others[:, 0])
    x1 = np.maximum(box[1], others[:, 1])
    y2 = np.minimum(box[2], others[:, 2])
    x2 = np.minimum(box[3], others[:, 3])
    inter = np.clip(y2 - y1, 0, None) * np.clip(x2 - x1, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (others[:, 2] - others[:, 0]) * (others[:, 3] - others[:, 1])
    return inter / np.maximum(area + areas - inter, 1e-30)


@rule("NonMaxSuppression", since=10, static=(0, 1, 2, 3, 4))
def non_max_suppression(ctx, boxes, scores, max_output_boxes_per_class=None, iou_threshold=None,
                        score_threshold=None, *, center_point_box=0):
    """Greedy NMS per batch and class: (selected, 3) rows of [batch, class, box]."""
    limit = int(np.asarray(max_output_boxes_per_class).reshape(-1)[0]) if max_output_boxes_per_class is not None \
        and np.asarray(max_output_boxes_per_class).size else 0
    iou_limit = float(np.asarray(iou_threshold).reshape(-1)[0]) if iou_threshold is not None and \
        np.asarray(iou_threshold).size else 0.0
    floor = float(np.asarray(score_threshold).reshape(-1)[0]) if score_threshold is not None and \
        np.asarray(score_threshold).size else None
    boxes = np.asarray(boxes, dtype=np.float64)
    if center_point_box:
        cx, cy, w, h = boxes[..., 0], boxes[..., 1], boxes[..., 2], boxes[..., 3]
        boxes = np.stack([cy - h / 2, cx - w / 2, cy + h / 2, cx + w / 2], -1)
    else:  # corners may come in either order
        boxes = np.stack([np.minimum(boxes[..., 0], boxes[..., 2]), np.minimum(boxes[..., 1], boxes[..., 3]),
                          np.maximum(boxes[..., 0], boxes[..., 2]), np.maximum(boxes[..., 1], boxes[..., 3])], -1)
    scores = np.asarray(scores, dtype=np.float64)
    selected = []
    for b in range(scores.shape[0]):
        for k in range(scores.shape[1]):
            s = scores[b, k]
            order = [i for i in np.argsort(-s, kind="stable") if floor is None or s[i] > floor]
            kept = []
            for i in order:
                if limit and len(kept) >= limit:
                    break
                if not kept or np.all(_iou(boxes[b, i], boxes[b, kept]) <= iou_limit):
                    kept.append(i)
            selected += [(b, k, i) for i in kept]
    return np.asarray(selected, dtype=np.int64).reshape(-1, 3)


@rule("RoiAlign", since=10, static=(0, 1, 2))
def roi_align(ctx, x, rois, batch_indices, *, coordinate_transformation_mode="half_pixel", mode="avg",
              output_height=1, output_width=1, sampling_ratio=0, spatial_scale=1.0):
    """Bilinear samples averaged (or max-pooled) over each bin of each region, as onnx's
    reference (on the values)."""
    data = np.asarray(x, dtype=np.float64)
    rois = np.asarray(rois, dtype=np.float64)
    offset = 0.5 if coordinate_transformation_mode == "half_pixel" and ctx.opset >= 16 else 0.0
    n_rois = rois.shape[0]
    c, h, w = data.shape[1:]
    out = np.zeros((n_rois, c, output_height, output_width))
    for r in range(n_rois):
        x1, y1, x2, y2 = rois[r] * spatial_scale - offset
        rw, rh = x2 - x1, y2 - y1
        if not offset:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        bh, bw = rh / output_height, rw / output_width
        gh = sampling_ratio if sampling_ratio > 0 else int(np.ceil(rh / output_height))
        gw = sampling_ratio if sampling_ratio > 0 else int(np.ceil(rw / output_width))
        img = data[int(batch_indices[r])]
        for ph in range(output_height):
            for pw in range(output_width):
                samples = []
                for iy in range(gh):
                    yy = y1 + ph * bh + (iy + 0.5) * bh / gh
                    for ix in range(gw):
                        xx = x1 + pw * bw + (ix + 0.5) * bw / gw
                        samples.append(_bilinear(img, yy, xx, h, w, mode))
                samples = np.asarray(samples)
                out[r, :, ph, pw] = samples.max(0) if mode == "max" else samples.mean(0)
    return out.astype(np.asarray(x).dtype)


def _bilinear(img, y, x, h, w, mode):
    if y < -1.0 or y > h or x < -1.0 or x > w:
        return np.zeros(img.shape[0])
    y, x = max(y, 0.0), max(x, 0.0)
    y0, x0 = int(y), int(x)
    if y0 >= h - 1:
        y0 = y1 = h - 1
        y = float(y0)
    else:
        y1 = y0 + 1
    if x0 >= w - 1:
        x0 = x1 = w - 1
        x = float(x0)
    else:
        x1 = x0 + 1
    ly, lx = y - y0, x - x0
    hy, hx = 1 - ly, 1 - lx
    corners = [(hy * hx, y0, x0), (hy * lx, y0, x1), (ly * hx, y1, x0), (ly * lx, y1, x1)]
    if mode == "max":
        return np.max([wt * img[:, yy, xx] for wt, yy, xx in corners], axis=0)
    return np.sum([wt * img[:, yy, xx] for wt, yy, xx in corners], axis=0)
