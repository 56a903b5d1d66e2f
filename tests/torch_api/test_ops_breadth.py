"""The smaller torch names of issue 10 (part 8) beyond what the registry's conformance test
covers: behaviour in training mode, views, errors, against PyTorch on the same inputs."""
import numpy as np
import pytest
import torch

import unigrad as ug
from unigrad.errors import InvalidArgumentError, OutOfBoundsError


@pytest.mark.parametrize("fn,shape,spatial", [("dropout1d", (64, 16, 5), (2,)), ("dropout2d", (32, 16, 3, 3), (2, 3)),
                                              ("dropout3d", (16, 16, 2, 2, 2), (2, 3, 4))])
def test_feature_dropout_zeroes_whole_channels_at_rate_p(fn, shape, spatial):
    y = getattr(ug.nn.functional, fn)(ug.ones(*shape), 0.3).numpy()
    zero, kept = (y == 0).all(axis=spatial), (y == np.float32(1 / 0.7)).all(axis=spatial)
    assert (zero | kept).all()                      # each channel either dropped or scaled, whole
    n = zero.size
    assert abs(zero.mean() - 0.3) < 6 * np.sqrt(0.3 * 0.7 / n)
    # the same statistics as torch's own draw
    t = getattr(torch.nn.functional, fn)(torch.ones(*shape), 0.3).numpy()
    assert abs((t == 0).all(axis=spatial).mean() - zero.mean()) < 12 * np.sqrt(0.3 * 0.7 / n)


def test_feature_dropout_gradient_uses_the_same_mask():
    x = ug.randn(8, 6, 4, requires_grad=True)
    y = ug.nn.functional.dropout1d(x, 0.5)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), (y.detach().numpy() != 0) * 2.0)


def test_feature_dropout_unbatched_and_eval():
    x = ug.ones(6, 5)
    y = ug.nn.functional.dropout1d(x, 0.5).numpy()
    assert ((y == 0).all(1) | (y == 2).all(1)).all()
    x4 = ug.ones(2, 3, 4, 4)
    assert ug.nn.functional.dropout2d(x4, 0.5, training=False) is x4
    with pytest.raises(InvalidArgumentError, match="dropout3d"):
        ug.nn.functional.dropout3d(ug.ones(2, 3), 0.5)
    with pytest.raises(InvalidArgumentError, match=r"\[0, 1\]"):
        ug.nn.functional.dropout1d(ug.ones(2, 3, 4), 1.5)


def test_log1p_expm1_keep_small_values():
    x = np.array([1e-12, -1e-9, 3e-7, 0.0], dtype=np.float32)
    np.testing.assert_array_equal(ug.log1p(ug.tensor(x)).numpy(), torch.log1p(torch.tensor(x)).numpy())
    np.testing.assert_array_equal(ug.expm1(ug.tensor(x)).numpy(), torch.expm1(torch.tensor(x)).numpy())
    assert ug.tensor(x).log1p().numpy()[0] == np.float32(1e-12)


def test_narrow_is_a_view_and_checks_bounds():
    x = ug.arange(12.0).reshape(3, 4)
    v = x.narrow(1, ug.tensor(1), 2)
    v.mul_(10)
    t = torch.arange(12.0).reshape(3, 4)
    t.narrow(1, 1, 2).mul_(10)
    np.testing.assert_array_equal(x.numpy(), t.numpy())
    with pytest.raises(OutOfBoundsError, match="narrow: start 3 and length 2 .* size 4"):
        x.narrow(1, 3, 2)


def test_scatter_reduce_rejects_unknown_reduction():
    with pytest.raises(InvalidArgumentError, match="reduce must be one of"):
        ug.scatter_reduce(ug.zeros(3), 0, ug.tensor([0, 1]), ug.ones(2), "max")


def test_cumprod_gradient_through_zeros_matches_torch():
    x = np.array([[2.0, 0.0, 3.0, 0.0, 0.5]])
    a = ug.tensor(x, requires_grad=True)
    b = torch.tensor(x, requires_grad=True)
    (ug.cumprod(a, 1) * ug.arange(5.0)).sum().backward()
    (torch.cumprod(b, 1) * torch.arange(5.0)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy())
