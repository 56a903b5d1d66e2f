"""nn.MaxPool3d with ceil_mode and return_indices against PyTorch: values, indices into the
flattened D * H * W input, and gradients, including tied windows (the first maximum wins and
takes the whole gradient, as in PyTorch)."""
import numpy as np
import pytest
import torch

import unigrad as ug


@pytest.mark.parametrize("kw", [dict(kernel_size=2, ceil_mode=True, return_indices=True),
                                dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, return_indices=True),
                                dict(kernel_size=(2, 3, 2), stride=(1, 2, 3), dilation=(2, 1, 2), ceil_mode=True),
                                dict(kernel_size=2, stride=1, return_indices=True)])
def test_values_indices_and_gradients_match_torch(kw):
    x = np.random.default_rng(0).standard_normal((2, 3, 5, 6, 7))
    xu, xt = ug.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ou, ot = ug.nn.MaxPool3d(**kw)(xu), torch.nn.MaxPool3d(**kw)(xt)
    (vu, iu), (vt, it) = (ou, ot) if kw.get("return_indices") else ((ou, None), (ot, None))
    np.testing.assert_array_equal(vu.detach().numpy(), vt.detach().numpy())
    if it is not None:
        assert iu.dtype == ug.int64
        np.testing.assert_array_equal(iu.numpy(), it.numpy())
    g = np.random.default_rng(1).standard_normal(tuple(vt.shape))
    (vu * ug.tensor(g)).sum().backward()
    (vt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(xu.grad.numpy(), xt.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_tied_windows_pick_the_first_maximum_like_torch():
    x = np.ones((1, 1, 3, 4, 4))
    xu, xt = ug.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    vu, iu = ug.nn.MaxPool3d(2, ceil_mode=True, return_indices=True)(xu)
    vt, it = torch.nn.MaxPool3d(2, ceil_mode=True, return_indices=True)(xt)
    np.testing.assert_array_equal(iu.numpy(), it.numpy())
    vu.sum().backward()
    vt.sum().backward()
    np.testing.assert_array_equal(xu.grad.numpy(), xt.grad.numpy())


def test_an_overhanging_window_is_kept_and_one_that_does_not_fit_is_refused():
    x = np.random.default_rng(2).standard_normal((1, 1, 2, 2, 2))
    got = ug.nn.MaxPool3d(4, ceil_mode=True)(ug.tensor(x))  # one window, mostly past the end: torch keeps it
    np.testing.assert_array_equal(got.numpy(), torch.nn.MaxPool3d(4, ceil_mode=True)(torch.tensor(x)).numpy())
    with pytest.raises(ug.ShapeError, match="max_pool3d: the window \\(3, 3, 3\\).*does not fit"):
        ug.nn.MaxPool3d(3, return_indices=True)(ug.tensor(x))
