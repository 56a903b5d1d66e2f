"""add_/sub_/mul_ (and +=, -=, *=) written straight into the target's array when nothing records
them (core/inplace_fast.py): the same values and version bumps as the general path, which every
case that does not qualify still takes."""
import numpy as np
import pytest
import torch

import unigrad as ug


def _pair(shape=(300, 40), seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape).astype(np.float32), rng.standard_normal(shape).astype(np.float32)


@pytest.mark.parametrize("call", [
    lambda a, b: a.add_(b, alpha=-0.3),  # BLAS axpby (large, same shape)
    lambda a, b: a.add_(b),
    lambda a, b: a.sub_(b, alpha=2.5),
    lambda a, b: a.mul_(b),
    lambda a, b: a.mul_(0.75),
    lambda a, b: a.add_(1.5, alpha=2),
    lambda a, b: a.__iadd__(b),
    lambda a, b: a.__isub__(b),
    lambda a, b: a.__imul__(b[0, 0].clone()),  # a 0-d tensor broadcast over the target
])
def test_direct_update_matches_torch_and_bumps_the_version(call):
    x, y = _pair()
    a, b = ug.tensor(x), ug.tensor(y)
    version = a._version
    data = a._data
    assert call(a, b) is a
    assert a._data is data, "updated in place, not replaced"
    assert a._version == version + 1
    want = call(torch.tensor(x), torch.tensor(y))
    np.testing.assert_allclose(a.numpy(), want.numpy(), rtol=1e-6, atol=1e-6)


def test_sgd_step_on_data_of_a_parameter_updates_the_parameter():
    w = ug.nn.Parameter(ug.tensor(np.ones((200, 100), np.float32)))
    (w * 3).sum().backward()
    w.data.add_(w.grad, alpha=-0.5)
    np.testing.assert_allclose(w.detach().numpy(), -0.5, rtol=0)


def test_cases_that_do_not_qualify_take_the_general_path_with_the_same_values():
    x, y = _pair((4, 5))
    ints = ug.tensor([1, 2, 3])
    ints.add_(2)                                     # integer target
    assert ints.tolist() == [3, 4, 5]
    a = ug.tensor(x)
    a.add_(ug.tensor(y[0]))                          # broadcast row: numpy's add, not axpby
    np.testing.assert_allclose(a.numpy(), x + y[0], rtol=1e-6)
    a = ug.tensor(x)
    a.add_(a, alpha=2)                               # the operand is the target itself
    np.testing.assert_allclose(a.numpy(), 3 * x, rtol=1e-6)
    a = ug.tensor(x)
    a.mul_(ug.tensor(y.astype(np.float64)))          # another dtype: the general path casts back
    assert a.dtype == ug.float32
    np.testing.assert_allclose(a.numpy(), x * y, rtol=1e-6)


def test_recorded_in_place_ops_still_reach_the_gradient():
    leaf = ug.tensor(_pair((3, 4))[0], requires_grad=True)
    other = ug.tensor(_pair((3, 4), seed=1)[0], requires_grad=True)
    out = leaf * 2
    out.add_(other, alpha=3)
    out.mul_(other)
    out.sum().backward()
    lt, ot = torch.tensor(leaf.detach().numpy(), requires_grad=True), torch.tensor(other.detach().numpy(),
                                                                                     requires_grad=True)
    ((lt * 2 + 3 * ot) * ot).sum().backward()
    np.testing.assert_allclose(leaf.grad.numpy(), lt.grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(other.grad.numpy(), ot.grad.numpy(), rtol=1e-6)


def test_which_calls_take_the_direct_path():
    from unigrad.core import inplace_fast
    x, y = _pair()
    a, b = ug.tensor(x), ug.tensor(y)
    assert inplace_fast.add_(a, b, alpha=-0.1) and inplace_fast.mul_(a, 2.0)
    assert not inplace_fast.add_(ug.tensor([1, 2]), 1)                   # integer target
    assert not inplace_fast.mul_(a, ug.tensor(y.astype(np.float64)))    # dtype promotion
    leaf = ug.tensor(x, requires_grad=True)
    assert not inplace_fast.add_(leaf * 1, b)                          # recorded under grad mode
    with ug.no_grad():
        assert inplace_fast.add_(leaf, b)
