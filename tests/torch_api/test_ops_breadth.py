"""The smaller torch names of issue 10 (part 8) beyond what the registry's conformance test
covers: behaviour in training mode, views, errors, against PyTorch on the same inputs."""
import numpy as np
import pytest
import torch

import unigrad as ug
from unigrad.errors import InvalidArgumentError, OutOfBoundsError, ShapeError


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


def _t(x):
    return torch.from_numpy(np.asarray(x))


@pytest.mark.parametrize("equation,shapes", [("...ij,jk->...ik", [(2, 1, 3, 4), (4, 5)]), ("ij,jk", [(3, 4), (4, 2)]),
                                             ("ba,ca", [(3, 4), (2, 4)]), ("ii->i", [(3, 3)]), ("ii", [(4, 4)]),
                                             ("bhqd,bhkd->bhqk", [(2, 3, 4, 5), (2, 3, 6, 5)]),
                                             ("i,j,k->ijk", [(2,), (3,), (4,)]), ("...->", [(2, 3)])])
def test_einsum_forms_match_torch(equation, shapes):
    arrays = [np.random.default_rng(i).standard_normal(s) for i, s in enumerate(shapes)]
    ours = [ug.tensor(a, requires_grad="ii" not in equation) for a in arrays]
    theirs = [_t(a).requires_grad_("ii" not in equation) for a in arrays]
    y, t = ug.einsum(equation, *ours), torch.einsum(equation, *theirs)
    np.testing.assert_allclose(y.detach().numpy(), t.detach().numpy(), rtol=1e-10, atol=1e-12)
    if "ii" not in equation:
        w = np.random.default_rng(9).standard_normal(tuple(t.shape))
        (y * ug.tensor(w)).sum().backward()
        (t * _t(w)).sum().backward()
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_einsum_errors_name_the_equation():
    with pytest.raises(ShapeError, match=r"subscript 'j' of 'ij,jk->ik' has sizes 4 and 3"):
        ug.einsum("ij,jk->ik", ug.ones(2, 4), ug.ones(3, 2))
    with pytest.raises(InvalidArgumentError, match="names 2 operands, got 1"):
        ug.einsum("ij,jk", ug.ones(2, 2))
    with pytest.raises(ShapeError, match="name 2 dims of an operand with 3"):
        ug.einsum("ij->i", ug.ones(2, 2, 2))


def test_sort_topk_with_nan_and_ties_match_torch():
    x = np.array([[3.0, np.nan, 1.0, 3.0, -2.0, 1.0]])
    for descending in (False, True):
        a, b = ug.sort(ug.tensor(x), descending=descending, stable=True), torch.sort(_t(x), descending=descending,
                                                                                   stable=True)
        np.testing.assert_array_equal(a.values.numpy(), b.values.numpy())
        np.testing.assert_array_equal(a.indices.numpy(), b.indices.numpy())
    v, i = ug.tensor([[4.0, 1.0, 3.0], [0.0, 5.0, 2.0]]).topk(2, dim=0, largest=False)
    tv, ti = torch.tensor([[4.0, 1.0, 3.0], [0.0, 5.0, 2.0]]).topk(2, dim=0, largest=False)
    np.testing.assert_array_equal(v.numpy(), tv.numpy())
    np.testing.assert_array_equal(i.numpy(), ti.numpy())
    with pytest.raises(OutOfBoundsError, match="topk: k=4 out of range for dim 1 of size 3"):
        ug.ones(2, 3).topk(4)
    np.testing.assert_array_equal(ug.argsort(ug.tensor(x), descending=True, stable=True).numpy(),
                                  torch.argsort(_t(x), descending=True, stable=True).numpy())


def test_unique_nonzero_masked_select_bincount_match_torch():
    x = np.array([[2, 0, 2], [1, 0, 1], [2, 0, 2]])
    for kw in [{}, {"return_inverse": True}, {"return_counts": True, "dim": 0}, {"return_inverse": True, "dim": 1}]:
        ours, theirs = ug.unique(ug.tensor(x), **kw), torch.unique(_t(x), **kw)
        for a, b in zip(ours if isinstance(ours, tuple) else (ours,), theirs if isinstance(theirs, tuple) else (theirs,)):
            np.testing.assert_array_equal(a.numpy(), b.numpy())
    for a, b in zip(ug.tensor(x).nonzero(as_tuple=True), _t(x).nonzero(as_tuple=True)):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    np.testing.assert_array_equal(ug.argwhere(ug.tensor(x)).numpy(), torch.argwhere(_t(x)).numpy())
    w = np.random.default_rng(0).standard_normal((3, 3))
    a, b = ug.tensor(w, requires_grad=True), _t(w).requires_grad_()
    (ug.masked_select(a, ug.tensor(x) > 0) ** 2).sum().backward()
    (torch.masked_select(b, _t(x) > 0) ** 2).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy())
    counts = ug.bincount(ug.tensor([1, 1, 5]), weights=ug.tensor([0.5, 0.25, 1.0]))
    expected = torch.bincount(torch.tensor([1, 1, 5]), weights=torch.tensor([0.5, 0.25, 1.0]))
    assert str(counts.dtype) == "unigrad.float32" and str(expected.dtype) == "torch.float32"
    np.testing.assert_array_equal(counts.numpy(), expected.numpy())
    with pytest.raises(InvalidArgumentError, match="bincount: input must be non-negative"):
        ug.bincount(ug.tensor([1, -1]))


def test_cumsum_dtypes_and_tril_triu_batched_match_torch():
    for data in ([True, False, True], [1, 2, 3]):
        a, b = ug.cumsum(ug.tensor(data), 0), torch.cumsum(torch.tensor(data), 0)
        assert str(a.dtype).split(".")[1] == str(b.dtype).split(".")[1]
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert str(ug.cumsum(ug.tensor([1, 2]), 0, dtype=ug.float64).dtype) == "unigrad.float64"
    x = np.random.default_rng(1).standard_normal((2, 3, 4))
    for k in (-1, 0, 2):
        np.testing.assert_array_equal(ug.tensor(x).triu(k).numpy(), _t(x).triu(k).numpy())
        np.testing.assert_array_equal(ug.tril(ug.tensor(x), k).numpy(), torch.tril(_t(x), k).numpy())
    y = ug.tensor(x)
    y.tril_()
    np.testing.assert_array_equal(y.numpy(), np.tril(x))


@pytest.mark.parametrize("kw", [{}, {"ord": 1}, {"ord": float("inf")}, {"ord": "fro"}, {"ord": -1},
                                {"dim": 1}, {"ord": 3, "dim": 0}, {"ord": float("-inf"), "dim": (0, 1)},
                                {"ord": 0, "dim": 1, "keepdim": True}])
def test_linalg_norm_matches_torch(kw):
    x = np.random.default_rng(2).standard_normal((3, 4))
    a, b = ug.tensor(x, requires_grad=True), _t(x).requires_grad_()
    y, t = ug.linalg.norm(a, **kw), torch.linalg.norm(b, **kw)
    np.testing.assert_allclose(y.detach().numpy(), t.detach().numpy(), rtol=1e-12)
    if kw.get("ord") != 0:
        y.sum().backward()
        t.sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10)


def test_linalg_norm_spectral_and_nuclear_and_what_it_refuses():
    a = np.random.default_rng(4).standard_normal((3, 4))
    for ord in ("nuc", 2, -2):
        np.testing.assert_allclose(float(ug.linalg.norm(ug.tensor(a), ord=ord)),
                                   float(torch.linalg.norm(torch.tensor(a), ord=ord)), rtol=1e-12)
    with pytest.raises(InvalidArgumentError, match="give dim"):
        ug.linalg.norm(ug.ones(2, 2, 2), ord=1)
