"""torch names added as aliases or small functions: each gives torch's result on the same call
(the new ops themselves are in the registry conformance test)."""
import numpy as np
import pytest
import torch

import unigrad as ug

X = np.array([[-1.5, 0.25, 0.5], [0.75, -0.3, 2.7]])


@pytest.mark.parametrize("name", ["absolute", "fix", "greater", "less", "not_equal", "greater_equal", "less_equal",
                                  "arcsin", "arctan", "arcsinh", "ravel"])
def test_aliases_match_torch(name):
    x = X if name not in ("arcsin",) else X / 3
    args = (0.5,) if name in ("greater", "less", "not_equal", "greater_equal", "less_equal") else ()
    want = getattr(torch, name)(torch.tensor(x), *args)
    for got in (getattr(ug, name)(ug.tensor(x), *args), getattr(ug.tensor(x), name)(*args)):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name, data", [("arccos", X / 3), ("arccosh", np.abs(X) + 1.5), ("arctanh", X / 3)])
def test_arc_aliases_match_torch_in_place_too(name, data):
    want = getattr(torch, name)(torch.tensor(data))
    np.testing.assert_allclose(getattr(ug, name)(ug.tensor(data)).numpy(), want.numpy(), rtol=1e-12)
    t = ug.tensor(data)
    getattr(t, name + "_")()
    np.testing.assert_allclose(t.numpy(), want.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", ["floor_", "ceil_", "trunc_", "round_", "fix_", "absolute_"])
def test_in_place_rounding_matches_torch(name):
    t, tt = ug.tensor(X), torch.tensor(X)
    assert getattr(t, name)() is t
    getattr(tt, name)()
    np.testing.assert_array_equal(t.numpy(), tt.numpy())


def test_predicates_and_new_empty_and_scatter_add_():
    assert ug.is_tensor(ug.zeros(1)) and ug.is_tensor(ug.nn.Parameter(ug.zeros(1))) and not ug.is_tensor(np.zeros(1))
    assert ug.numel(ug.zeros(2, 3)) == 6 and ug.is_floating_point(ug.zeros(1)) and not ug.is_floating_point(ug.tensor([1]))
    assert not ug.is_complex(ug.zeros(1)) and ug.is_nonzero(ug.tensor([2.0])) and not ug.is_nonzero(ug.tensor(0))
    with pytest.raises(ug.InvalidTypeError, match="exactly one element"):
        ug.is_nonzero(ug.zeros(2))
    with pytest.raises(ug.InvalidTypeError, match="argument 'input' must be Tensor, not list"):
        ug.numel([1, 2])
    e = ug.zeros(2, dtype=ug.float64).new_empty((3, 4))
    assert tuple(e.shape) == (3, 4) and e.dtype == ug.float64
    index = np.array([[0, 1, 2, 0], [2, 2, 0, 1]])
    src = np.arange(8.0).reshape(2, 4)
    t, tt = ug.zeros(3, 4, dtype=ug.float64), torch.zeros(3, 4, dtype=torch.float64)
    assert t.scatter_add_(0, ug.tensor(index), ug.tensor(src)) is t
    tt.scatter_add_(0, torch.tensor(index), torch.tensor(src))
    np.testing.assert_array_equal(t.numpy(), tt.numpy())


def test_sum_to_size_matches_torch_and_its_gradient_broadcasts_back():
    x = np.random.default_rng(2).standard_normal((3, 4, 5))
    for size in [(1, 4, 1), ((3, 1, 5),), (4, 5)]:
        xu, xt = ug.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        yu, yt = xu.sum_to_size(*size), xt.sum_to_size(*size)
        np.testing.assert_allclose(yu.detach().numpy(), yt.detach().numpy(), rtol=1e-12)
        yu.sum().backward()
        yt.sum().backward()
        np.testing.assert_array_equal(xu.grad.numpy(), xt.grad.numpy())


def test_old_svd_and_chain_matmul_match_torch():
    a = np.random.default_rng(3).standard_normal((5, 3))
    U, S, V = ug.svd(ug.tensor(a))
    np.testing.assert_allclose(S.numpy(), torch.svd(torch.tensor(a))[1].numpy(), rtol=1e-12)
    np.testing.assert_allclose((U @ ug.diag(S) @ V.T).numpy(), a, rtol=1e-10, atol=1e-12)  # V, not V^T
    assert [tuple(t.shape) for t in ug.svd(ug.tensor(a), some=False)] == [(5, 5), (3,), (3, 3)]
    zu, _, zv = ug.svd(ug.tensor(a), compute_uv=False)
    assert float(zu.abs().sum()) == float(zv.abs().sum()) == 0.0 and tuple(zu.shape) == (5, 5)
    ms = [np.random.default_rng(k).standard_normal(s) for k, s in enumerate([(2, 3), (3, 4), (4, 2)])]
    np.testing.assert_allclose(ug.chain_matmul(*[ug.tensor(m) for m in ms]).numpy(),
                               torch.chain_matmul(*[torch.tensor(m) for m in ms]).numpy(), rtol=1e-12)


def test_pinverse_matrix_exp_and_data_ptr():
    a = np.random.default_rng(4).standard_normal((2, 4, 3))
    np.testing.assert_allclose(ug.pinverse(ug.tensor(a)).numpy(), torch.pinverse(torch.tensor(a)).numpy(), rtol=1e-10)
    for scale in (0.1, 3.0, 20.0):  # the larger ones take several squarings
        m = np.random.default_rng(5).standard_normal((4, 4)) * scale
        want = torch.linalg.matrix_exp(torch.tensor(m)).numpy()
        np.testing.assert_allclose(ug.linalg.matrix_exp(ug.tensor(m)).numpy(), want, rtol=1e-11,
                                   atol=1e-12 * np.abs(want).max())
    with pytest.raises(ug.ShapeError, match="square matrix"):
        ug.matrix_exp(ug.zeros(2, 3))
    x = ug.zeros(4)
    assert x.data_ptr() == x.view(2, 2).data_ptr() != x.clone().data_ptr()
