"""Conv1d/2d/3d padding_mode ('zeros', 'reflect', 'replicate', 'circular') and string padding
('same' with even kernels, 'valid') against PyTorch (float64): outputs and the gradients of
the input and of every parameter; bad arguments refused with PyTorch's messages."""
import numpy as np
import pytest
import torch

import unigrad as ug

pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")
SHAPES = {"Conv1d": (2, 3, 9), "Conv2d": (2, 3, 9, 8), "Conv3d": (2, 3, 6, 7, 5)}


@pytest.mark.parametrize("cls", sorted(SHAPES))
@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("padding, kernel", [(1, 3), ("same", 4), ("valid", 3), (2, 3)])
def test_padding_modes_match_torch(cls, mode, padding, kernel):
    torch.manual_seed(0)
    t = getattr(torch.nn, cls)(3, 4, kernel, padding=padding, padding_mode=mode, dilation=1).double()
    u = getattr(ug.nn, cls)(3, 4, kernel, padding=padding, padding_mode=mode).double()
    u.load_state_dict({k: ug.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    x = np.random.default_rng(0).standard_normal(SHAPES[cls])
    xt, xu = torch.tensor(x, requires_grad=True), ug.tensor(x, requires_grad=True)
    yt = t(xt)
    yu = u(xu)
    np.testing.assert_allclose(yu.detach().numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.default_rng(1).standard_normal(tuple(yt.shape))
    (yt * torch.tensor(g)).sum().backward()
    (yu * ug.tensor(g)).sum().backward()
    np.testing.assert_allclose(xu.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    for name, p in t.named_parameters():
        np.testing.assert_allclose(dict(u.named_parameters())[name].grad.numpy(), p.grad.numpy(), rtol=1e-10,
                                   atol=1e-12)
    if mode != "zeros":
        assert f"padding_mode={mode}" in repr(u)


def test_bad_padding_arguments_are_refused_like_torch():
    with pytest.raises(ug.InvalidArgumentError, match="padding_mode must be one of"):
        ug.nn.Conv2d(3, 4, 3, padding_mode="mirror")
    with pytest.raises(ug.InvalidArgumentError, match="padding='same' is not supported for strided convolutions"):
        ug.nn.Conv3d(3, 4, 3, stride=2, padding="same")
    with pytest.raises(ug.InvalidArgumentError, match="padding must be an int, a tuple, 'same' or 'valid'"):
        ug.nn.Conv1d(3, 4, 3, padding="full")
    with pytest.raises(ug.InvalidArgumentError, match='Only "zeros" padding mode is supported for ConvTranspose2d'):
        ug.nn.ConvTranspose2d(3, 4, 3, padding_mode="reflect")
