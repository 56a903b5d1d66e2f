"""pixel_shuffle and pixel_unshuffle: channels moved into r x r blocks of pixels and back (ESPCN's
sub-pixel convolution), composites of reshape and permute."""
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn


def pixel_shuffle(input, upscale_factor):
    """(*, C * r * r, H, W) to (*, C, H * r, W * r): each r * r group of channels becomes an r x r
    block, as PyTorch's pixel_shuffle.

    Example::

        >>> ug.pixel_shuffle(ug.arange(4.0).reshape(1, 4, 1, 1), 2)
        tensor([[[[0., 1.],
                  [2., 3.]]]])
    """
    r = int(upscale_factor)
    if input.ndim < 3 or input.shape[-3] % (r * r):
        raise ShapeError(f"pixel_shuffle: expected (*, C * {r}^2, H, W), got shape {tuple(input.shape)}")
    *lead, c, h, w = input.shape
    x = F.reshape(input, tuple(lead) + (c // (r * r), r, r, h, w))
    n = len(lead)
    x = F.permute(x, tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2))
    return F.reshape(x, tuple(lead) + (c // (r * r), h * r, w * r))


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H * r, W * r) to (*, C * r * r, H, W), pixel_shuffle's inverse (PyTorch's pixel_unshuffle).

    Example::

        >>> ug.pixel_unshuffle(ug.arange(4.0).reshape(1, 1, 2, 2), 2).flatten()
        tensor([0., 1., 2., 3.])
    """
    r = int(downscale_factor)
    if input.ndim < 3 or input.shape[-2] % r or input.shape[-1] % r:
        raise ShapeError(f"pixel_unshuffle: expected (*, C, H * {r}, W * {r}), got shape {tuple(input.shape)}")
    *lead, c, h, w = input.shape
    x = F.reshape(input, tuple(lead) + (c, h // r, r, w // r, r))
    n = len(lead)
    x = F.permute(x, tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3))
    return F.reshape(x, tuple(lead) + (c * r * r, h // r, w // r))


register(OpDef(name="pixel_shuffle", impl=pixel_shuffle, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(2, 8, 3, 4), 2)), Sample((randn(9, 2, 2), 3))],
               torch_ref=lambda torch, x, r: torch.nn.functional.pixel_shuffle(x, r)), public=pixel_shuffle)
register(OpDef(name="pixel_unshuffle", impl=pixel_unshuffle, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(2, 2, 4, 6), 2)), Sample((randn(1, 6, 3), 3))],
               torch_ref=lambda torch, x, r: torch.nn.functional.pixel_unshuffle(x, r)), public=pixel_unshuffle)
