import numpy as np
import pytest

import unigrad as ug


def test_backward_accumulates_on_leaves_only(device):
    x = ug.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
    y = x * x
    (y.sum()).backward(retain_graph=True)
    (y.sum()).backward()
    np.testing.assert_allclose(x.grad.cpu().numpy(), [4.0, 8.0, 12.0])
    assert y.grad is None and not y.is_leaf


def test_second_backward_without_retain_graph_is_clear_error():
    x = ug.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp()).sum()
    y.backward()
    with pytest.raises(ug.AutogradError, match="second time"):
        y.backward()


def test_grad_of_grad():
    x = ug.tensor(3.0, requires_grad=True)
    y = x ** 3
    (g,) = ug.autograd.grad(y, x, create_graph=True)
    (gg,) = ug.autograd.grad(g, x)
    assert g.item() == pytest.approx(27.0) and gg.item() == pytest.approx(18.0)


def test_inplace_change_of_saved_tensor_raises():
    a = ug.tensor([1.0, 2.0], requires_grad=True)
    b = a * 2
    c = b.log()  # log's backward reads its input
    b.add_(1)
    with pytest.raises(ug.AutogradError, match="in-place"):
        c.sum().backward()


def test_inplace_change_of_saved_output_raises():
    a = ug.tensor([1.0, 2.0], requires_grad=True)
    b = (a * 2).exp()  # exp's backward reads its output
    c = b * 1
    b.add_(1)
    with pytest.raises(ug.AutogradError, match="in-place"):
        c.sum().backward()


def test_inplace_change_of_unsaved_input_is_fine():
    a = ug.tensor([1.0, 2.0], requires_grad=True)
    b = a * 2
    c = b.exp()  # exp saves only its output, as in PyTorch
    b.add_(1)
    c.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), 2 * np.exp([2.0, 4.0]), rtol=1e-6)


def test_inplace_on_leaf_requiring_grad_raises():
    a = ug.tensor([1.0], requires_grad=True)
    with pytest.raises(ug.AutogradError, match="leaf"):
        a.add_(1)
    with ug.no_grad():
        a.add_(1)
    assert a.item() == 2.0


def test_inplace_rebases_history():
    a = ug.tensor([1.0, 2.0], requires_grad=True)
    b = a * 1
    b.mul_(3)
    b.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [3.0, 3.0])


def test_setitem_is_differentiable():
    a = ug.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = ug.tensor(5.0, requires_grad=True)
    b = a * 1
    b[1] = v * 2
    (b * ug.tensor([1.0, 10.0, 100.0])).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [1.0, 0.0, 100.0])
    assert v.grad.item() == pytest.approx(20.0)


def test_deep_graph_is_iterative():
    x = ug.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(20000):
        y = y + 0.0
    y.backward()
    assert x.grad.item() == 1.0


def test_no_grad_and_detach():
    x = ug.tensor([1.0], requires_grad=True)
    with ug.no_grad():
        y = x * 2
    assert not y.requires_grad
    assert not (x * 2).detach().requires_grad


def test_hooks_and_retain_grad():
    x = ug.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    x.register_hook(lambda g: g * 2)
    y.sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), [1.0, 1.0])
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 6.0])


def test_promotion_like_pytorch():
    f = ug.ones(2)
    i = ug.tensor([1, 2])
    assert (f * 2).dtype is ug.float32
    assert (i * 2).dtype is ug.int64
    assert (i * 2.5).dtype is ug.float32
    assert (i / 2).dtype is ug.float32
    assert (f + ug.ones(2, dtype=ug.float64)).dtype is ug.float64
    assert (ug.ones(2, dtype=ug.float16) + i).dtype is ug.float16


def test_shape_error_names_op_and_user_line():
    with pytest.raises(ug.ShapeError) as err:
        ug.ones(2, 3) @ ug.ones(4, 5)
    assert "matmul" in str(err.value) and "(2, 3)" in str(err.value) and "test_autograd.py" in str(err.value)


def test_device_mismatch_is_clear(monkeypatch):
    a = ug.ones(2)
    b = ug.ones(2)
    fake = object.__new__(ug.Device)
    fake.type, fake.index, fake.xp, fake._str = "cuda", 0, np, "cuda:0"
    b._device = fake
    with pytest.raises(ug.DeviceError, match="one device"):
        a + b


def test_indexing_advanced_and_basic():
    x = ug.arange(12.0).reshape(3, 4)
    assert x[1, 2].item() == 6.0
    np.testing.assert_allclose(x[:, ug.tensor([0, 3])].numpy(), [[0, 3], [4, 7], [8, 11]])
    np.testing.assert_allclose(x[x > 9].numpy(), [10, 11])
    with pytest.raises(IndexError, match="out of bounds"):
        x[5]


def test_error_inside_composite_points_at_user_line():
    with pytest.raises(ug.ShapeError) as err:
        ug.nn.functional.conv2d(ug.ones(1, 3, 8, 8), ug.ones(4, 2, 3, 3))
    msg = str(err.value)
    assert "(4, 2, 3, 3)" in msg and "(1, 3, 8, 8)" in msg and "test_autograd.py:" in msg


def test_wrong_loss_target_shape_is_clear():
    with pytest.raises(ug.ShapeError, match=r"targets of shape \(4,\)"):
        ug.nn.functional.cross_entropy(ug.ones(4, 10), ug.zeros(5, dtype=ug.int64))


def test_cuda_request_without_cuda_is_clear():
    if ug.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(ug.DeviceError, match="CUDA is not available"):
        ug.ones(2).to("cuda")


@pytest.mark.parametrize("shape", [(3, 4), (3, 4, 1)])  # the one-op path and the general composition
def test_out_of_range_class_targets_are_clear_errors(shape):
    x = ug.randn(3, 4).reshape(*shape)
    for bad in (7, -1):
        target = ug.tensor(np.array([0, bad, 2])).reshape(3, *shape[2:])
        with pytest.raises(ug.OutOfBoundsError, match=rf"target {bad} at position \(1,?.*\) is out of bounds for 4 "
                                                      r"classes \(use ignore_index=-100"):
            ug.nn.functional.cross_entropy(x, target)
    ignored = ug.tensor(np.array([0, -100, 2])).reshape(3, *shape[2:])
    assert np.isfinite(ug.nn.functional.cross_entropy(x, ignored).item())
