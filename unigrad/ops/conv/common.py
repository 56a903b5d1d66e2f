"""What the convolution and pooling ops share: int-or-pair arguments, the output-size rule,
the window attributes of the primitive ops, and the argument checks of the composites."""
from ...errors import ShapeError
from .. import api as F


def pair(v, name="argument"):
    """An int or a 1- or 2-sequence as a pair (a, b)."""
    if isinstance(v, int):
        return (v, v)
    v = tuple(v)
    if len(v) == 1:
        return (v[0], v[0])
    if len(v) != 2:
        raise ShapeError(f"{name} must be an int or a pair, got {v}")
    return v


def triple(v, name="argument"):
    """An int or a 1- or 3-sequence as a triple (a, b, c), as pair for the 3-D ops."""
    if isinstance(v, int):
        return (v, v, v)
    v = tuple(v)
    if len(v) == 1:
        return v * 3
    if len(v) != 3:
        raise ShapeError(f"{name} must be an int or a triple, got {v}")
    return v


def out_size(size, k, stride, pad_lo, pad_hi, dilation):
    """How many windows of k (dilated) fit along an axis of `size` padded by pad_lo and pad_hi."""
    return (size + pad_lo + pad_hi - dilation * (k - 1) - 1) // stride + 1


def adaptive_windows(n_in, n_out):
    """PyTorch's adaptive pooling windows along an axis: output i covers [floor(i * n_in / n_out),
    ceil((i + 1) * n_in / n_out)), so neighbours overlap when the sizes do not divide."""
    return [((i * n_in) // n_out, -(-((i + 1) * n_in) // n_out)) for i in range(n_out)]


def window_attrs(attrs):
    """The window geometry (kernel, stride, pads, dilation) among an op's attrs."""
    return {k: attrs[k] for k in ("kernel", "stride", "pads", "dilation")}


def check_conv(x, weight, groups, name):
    if x.ndim != 4:
        raise ShapeError(f"{name}: expected input of shape (N, C, H, W), got {tuple(x.shape)}")
    if weight.ndim != 4:
        raise ShapeError(f"{name}: expected weight of shape (out, in/groups, kh, kw), got {tuple(weight.shape)}")
    if x.shape[1] % groups:
        raise ShapeError(f"{name}: input channels {x.shape[1]} are not divisible by groups={groups}")


def pool_geometry(x, kernel_size, stride, padding, dilation, ceil_mode, name):
    """PyTorch's pooling arguments as (kernel, stride, pads, dilation) with explicit (top, bottom,
    left, right) pads; ceil_mode becomes extra bottom/right padding."""
    if x.ndim not in (3, 4):
        raise ShapeError(f"{name}: expected input (N, C, H, W) or (C, H, W), got shape {tuple(x.shape)}")
    (kh, kw) = pair(kernel_size, "kernel_size")
    (sh, sw) = pair(stride if stride not in (None, ()) else (kh, kw), "stride")
    (ph, pw), (dh, dw) = pair(padding, "padding"), pair(dilation, "dilation")
    if ph * 2 > kh or pw * 2 > kw:
        raise ShapeError(f"{name}: padding {(ph, pw)} must be at most half the kernel size {(kh, kw)}")
    h, w = x.shape[-2:]
    extra = []
    for size, k, s, p, d in ((h, kh, sh, ph, dh), (w, kw, sw, pw, dw)):
        span = size + 2 * p - d * (k - 1) - 1
        out = (-(-span // s) if ceil_mode else span // s) + 1
        if ceil_mode and (out - 1) * s >= size + p:  # the last window must start inside the input or left pad
            out -= 1
        extra.append((out - 1) * s + d * (k - 1) + 1 - (size + 2 * p))
    pads = (ph, ph + max(extra[0], 0), pw, pw + max(extra[1], 0))
    return (kh, kw), (sh, sw), pads, (dh, dw)


def batched(fn, input, *args):
    """fn(input, *args) over (N, C, H, W), for an unbatched (C, H, W) input too."""
    if input.ndim == 3:
        out = fn(F.unsqueeze(input, 0), *args)
        return tuple(F.squeeze(o, 0) for o in out) if isinstance(out, tuple) else F.squeeze(out, 0)
    return fn(input, *args)
