"""F.interpolate(antialias=True) against PyTorch: an image shrunk and enlarged by bilinear and
bicubic resampling, float32 and float64, with gradients; other modes refused with its message."""
import numpy as np
import pytest
import torch

import unigrad as ug


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("kw", [dict(size=(64, 48)), dict(size=(300, 37)), dict(scale_factor=0.3),
                                dict(scale_factor=0.45, recompute_scale_factor=True), dict(size=(50, 50), align_corners=True)])
def test_antialiased_resize_matches_torch(mode, kw):
    x = np.random.default_rng(0).random((2, 3, 224, 160))
    for dtype, tol in ((np.float64, 1e-10), (np.float32, 2e-5)):
        xu = ug.tensor(x.astype(dtype), requires_grad=True)
        xt = torch.tensor(x.astype(dtype), requires_grad=True)
        yu = ug.nn.functional.interpolate(xu, mode=mode, antialias=True, **kw)
        yt = torch.nn.functional.interpolate(xt, mode=mode, antialias=True, **kw)
        np.testing.assert_allclose(yu.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
        if dtype is np.float64:
            g = np.random.default_rng(1).standard_normal(tuple(yt.shape))
            (yu * ug.tensor(g)).sum().backward()
            (yt * torch.tensor(g)).sum().backward()
            np.testing.assert_allclose(xu.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-10)


def test_antialias_is_refused_where_torch_refuses_it():
    with pytest.raises(ug.InvalidArgumentError, match="restricted to bilinear and bicubic modes"):
        ug.nn.functional.interpolate(ug.randn(1, 1, 8, 8), size=4, mode="nearest", antialias=True)
    with pytest.raises(ug.InvalidArgumentError, match="requires a 4-D tensor"):
        ug.nn.functional.interpolate(ug.randn(1, 1, 8, 8, 8), size=4, mode="trilinear", antialias=True)
