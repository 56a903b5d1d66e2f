"""Names a PyTorch user reaches for after part 8's list (scatter, index_add/index_fill, the
small products and formulas, rearrangements): the in-place and calling forms the registry's
conformance samples do not reach, against torch on the same calls."""
import warnings

import numpy as np
import pytest
import torch

import unigrad as ug
from unigrad.errors import InvalidArgumentError, ShapeError


def _same(a, b):
    assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6, atol=1e-7)


def test_scatter_one_hot_in_place_and_gradients_match_torch():
    labels = [2, 0, 3]
    a = ug.zeros(3, 5).scatter_(1, ug.tensor(labels).unsqueeze(1), 1.0)
    b = torch.zeros(3, 5).scatter_(1, torch.tensor(labels).unsqueeze(1), 1.0)
    _same(a, b)
    x = np.random.default_rng(0).standard_normal((3, 4))
    s = np.random.default_rng(1).standard_normal((3, 2))
    idx = np.array([[0, 3], [1, 2], [2, 0]])
    xa, sa = ug.tensor(x, requires_grad=True), ug.tensor(s, requires_grad=True)
    xb, sb = torch.tensor(x, requires_grad=True), torch.tensor(s, requires_grad=True)
    (ug.scatter(xa, 1, ug.tensor(idx), sa) ** 2).sum().backward()
    (torch.scatter(xb, 1, torch.tensor(idx), sb) ** 2).sum().backward()
    _same(xa.grad, xb.grad)
    _same(sa.grad, sb.grad)
    with pytest.raises(InvalidArgumentError, match="use scatter_reduce"):
        ug.zeros(3).scatter(0, ug.tensor([1]), ug.ones(1), reduce="add")


def test_index_add_fill_in_place_match_torch():
    a, b = ug.zeros(4, 3), torch.zeros(4, 3)
    src = np.arange(9.0, dtype=np.float32).reshape(3, 3)
    a.index_add_(0, ug.tensor([3, 0, 3]), ug.tensor(src), alpha=2)
    b.index_add_(0, torch.tensor([3, 0, 3]), torch.tensor(src), alpha=2)
    _same(a, b)
    a.index_fill_(1, ug.tensor([0, 2]), -1.0)
    b.index_fill_(1, torch.tensor([0, 2]), -1.0)
    _same(a, b)
    with pytest.raises(ShapeError, match="index_add: index must be 1-D"):
        ug.zeros(3).index_add(0, ug.tensor([0, 1]), ug.ones(3))


def test_in_place_forms_match_torch():
    for name, args in [("clamp_min_", (0.1,)), ("clamp_max_", (0.1,)), ("addcmul_", "tt"), ("addcdiv_", "tt"),
                       ("atan2_", "t"), ("tril_", ()), ("addmm_", "mm")]:
        x = np.random.default_rng(2).standard_normal((3, 3)).astype(np.float32)
        extra = {"t": [np.full((3, 3), 0.5, np.float32)], "tt": [np.full((3, 3), 0.5, np.float32)] * 2,
                 "mm": [np.eye(3, dtype=np.float32), x]}.get(args, None)
        ours, theirs = ug.tensor(x), torch.tensor(x)
        ua = [ug.tensor(e) for e in extra] if extra else list(args)
        ta = [torch.tensor(e) for e in extra] if extra else list(args)
        assert getattr(ours, name)(*ua) is ours
        getattr(theirs, name)(*ta)
        _same(ours, theirs)


def test_meshgrid_and_stacks_match_torch():
    a, b = [1, 2, 3], [10, 20]
    with pytest.warns(UserWarning, match="indexing argument"):
        ug.meshgrid(ug.tensor(a), ug.tensor(b))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for kw in ({"indexing": "ij"}, {"indexing": "xy"}):
            for x, y in zip(ug.meshgrid(ug.tensor(a), ug.tensor(b), **kw), torch.meshgrid(torch.tensor(a),
                                                                                      torch.tensor(b), **kw)):
                _same(x, y)
    for name in ("vstack", "hstack", "dstack", "row_stack"):
        _same(getattr(ug, name)([ug.tensor(a), ug.tensor([4, 5, 6])]),
              getattr(torch, name)([torch.tensor(a), torch.tensor([4, 5, 6])]))


def test_rearrangements_and_products_match_torch():
    x = np.arange(12.0).reshape(3, 4)
    t, u = torch.tensor(x), ug.tensor(x)
    _same(u.roll(-5), t.roll(-5))
    _same(u.repeat_interleave(ug.tensor([2, 0, 1]), dim=0), t.repeat_interleave(torch.tensor([2, 0, 1]), dim=0))
    _same(u.rot90(3, (1, 0)), t.rot90(3, (1, 0)))
    _same(ug.diag(u, 1), torch.diag(t, 1))
    _same(ug.diag(ug.tensor([1.0, 2.0]), -2), torch.diag(torch.tensor([1.0, 2.0]), -2))
    _same(u.diagonal(-1), t.diagonal(-1))
    _same(ug.trace(u), torch.trace(t))
    _same(ug.outer(u[0], u[1]), torch.outer(t[0], t[1]))
    _same(ug.dot(u[0], u[1]), torch.dot(t[0], t[1]))
    _same(ug.mv(u, u[0]), torch.mv(t, t[0]))
    with pytest.raises(ShapeError, match="dot: expects two 1-D tensors of one length"):
        ug.dot(u[0], u[0, :2])
    _same(ug.xlogy(ug.tensor([0.0, 2.0, 0.0]), ug.tensor([0.0, 3.0, float("nan")])),
          torch.xlogy(torch.tensor([0.0, 2.0, 0.0]), torch.tensor([0.0, 3.0, float("nan")])))
    _same(ug.logit(ug.tensor([0.0, 0.3, 1.0]), eps=1e-6), torch.logit(torch.tensor([0.0, 0.3, 1.0]), eps=1e-6))


def test_comparisons_signs_and_nan_handling_match_torch():
    a, b = [1.0, 2.0, float("nan")], [1.0 + 1e-9, 2.5, float("nan")]
    assert ug.allclose(ug.tensor(a), ug.tensor(b), equal_nan=True) is torch.allclose(
        torch.tensor(a), torch.tensor(b), equal_nan=True) is False
    assert ug.equal(ug.tensor([1, 2]), ug.tensor([1, 2])) is True and not ug.equal(ug.ones(2), ug.ones(3))
    _same(ug.isclose(ug.tensor(a), ug.tensor(b), equal_nan=True), torch.isclose(torch.tensor(a), torch.tensor(b),
                                                                             equal_nan=True))
    z = [-0.0, 0.0, -3.0, 2.0, float("-inf")]
    _same(ug.signbit(ug.tensor(z)), torch.signbit(torch.tensor(z)))
    _same(ug.copysign(ug.tensor([1.0] * 5), ug.tensor(z)), torch.copysign(torch.tensor([1.0] * 5), torch.tensor(z)))
    special = [float("nan"), float("inf"), float("-inf"), 1.5]
    _same(ug.nan_to_num(ug.tensor(special)), torch.nan_to_num(torch.tensor(special)))
    m = [[1.0, float("nan")], [3.0, 4.0]]
    _same(ug.nanmean(ug.tensor(m), dim=1), torch.nanmean(torch.tensor(m), dim=1))
    _same(ug.nansum(ug.tensor(m), dim=0), torch.nansum(torch.tensor(m), dim=0))


def test_logcumsumexp_far_apart_values_and_gradient_match_torch():
    x = np.array([0.0, -700.0, 700.0, 1.0, 3.0])
    a, b = ug.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, t = ug.logcumsumexp(a, 0), torch.logcumsumexp(b, 0)
    _same(y, t)
    w = np.array([1.0, -2.0, 0.5, 3.0, -1.0])
    (y * ug.tensor(w)).sum().backward()
    (t * torch.tensor(w)).sum().backward()
    _same(a.grad, b.grad)


def test_splits_and_order_statistics_match_torch():
    x = np.arange(10.0)
    for arg in (3, [2, 5], ug.tensor([1, 8])):
        targ = torch.tensor(arg.tolist()) if isinstance(arg, ug.Tensor) else arg
        for u, t in zip(ug.tensor_split(ug.tensor(x), arg), torch.tensor_split(torch.tensor(x), targ)):
            _same(u, t)
    for u, t in zip(ug.atleast_2d(ug.tensor(1.0), ug.tensor([1.0, 2.0])),
                    torch.atleast_2d(torch.tensor(1.0), torch.tensor([1.0, 2.0]))):
        _same(u, t)
    with pytest.raises(InvalidArgumentError, match="hsplit: dim 1 of size 3 does not split into 2"):
        ug.hsplit(ug.zeros(2, 3), 2)
    y = np.random.default_rng(4).standard_normal((3, 6))
    for u, t in zip(ug.kthvalue(ug.tensor(y), 3, dim=1), torch.kthvalue(torch.tensor(y), 3, dim=1)):
        _same(u, t)
    _same(ug.median(ug.tensor(y)), torch.median(torch.tensor(y)))
    _same(ug.quantile(ug.tensor(y), ug.tensor([0.2, 0.8]), dim=0, keepdim=True),
          torch.quantile(torch.tensor(y), torch.tensor([0.2, 0.8], dtype=torch.float64), dim=0, keepdim=True))
    with pytest.raises(InvalidArgumentError, match=r"q must be a number or a 1-D tensor of numbers in \[0, 1\]"):
        ug.quantile(ug.tensor(y), 1.5)
    lo, hi = ug.aminmax(ug.tensor(y), dim=0)
    tlo, thi = torch.aminmax(torch.tensor(y), dim=0)
    _same(lo, tlo)
    _same(hi, thi)


def test_linalg_matches_torch():
    a = np.random.default_rng(5).standard_normal((2, 3, 3)) + 3 * np.eye(3)
    b = np.random.default_rng(6).standard_normal((2, 3, 2))
    ua, ta = ug.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ub, tb = ug.tensor(b, requires_grad=True), torch.tensor(b, requires_grad=True)
    pairs = [(ug.linalg.inv(ua), torch.linalg.inv(ta)), (ug.linalg.det(ua), torch.linalg.det(ta)),
             (ug.linalg.slogdet(ua)[1], torch.linalg.slogdet(ta)[1]), (ug.linalg.solve(ua, ub), torch.linalg.solve(ta, tb)),
             (ug.linalg.matrix_power(ua, -3), torch.linalg.matrix_power(ta, -3)), (ug.logdet(ua), torch.logdet(ta))]
    for y, t in pairs:
        _same(y, t)
    sum(y.sum() for y, _ in pairs).backward()
    sum(t.sum() for _, t in pairs).backward()
    _same(ua.grad, ta.grad)
    _same(ub.grad, tb.grad)
    with pytest.raises(InvalidArgumentError, match="inverse: the matrix is singular"):
        ug.inverse(ug.zeros(2, 2))
    with pytest.raises(ShapeError, match="expected square matrices"):
        ug.det(ug.zeros(2, 3))


def test_search_distances_and_products_match_torch():
    seq, vals = [1.0, 2.0, 2.0, 4.0], [2.0, 0.0, 5.0, 3.0]
    for kw in ({}, {"right": True}, {"side": "right"}):
        _same(ug.searchsorted(ug.tensor(seq), ug.tensor(vals), **kw), torch.searchsorted(torch.tensor(seq),
                                                                                       torch.tensor(vals), **kw))
    assert int(ug.searchsorted(ug.tensor(seq), 3.0)) == int(torch.searchsorted(torch.tensor(seq), 3.0))
    _same(ug.bucketize(ug.tensor(vals), ug.tensor([1.0, 2.0]), out_int32=True),
          torch.bucketize(torch.tensor(vals), torch.tensor([1.0, 2.0]), out_int32=True))
    a = np.array([[0.0, 0.0], [1.0, 2.0]])
    ua, ta = ug.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, t = ug.cdist(ua, ug.tensor(a)), torch.cdist(ta, torch.tensor(a))
    _same(y, t)
    y.sum().backward()
    t.sum().backward()
    _same(ua.grad, ta.grad)  # zero distances give zero gradients, as torch's
    x = np.random.default_rng(8).standard_normal((2, 3, 4))
    _same(ug.tensordot(ug.tensor(x), ug.tensor(x), ([1, 2], [1, 2])), torch.tensordot(torch.tensor(x), torch.tensor(x),
                                                                                     ([1, 2], [1, 2])))
    _same(ug.cross(ug.tensor(x[:, :, :3]), ug.tensor(x[:, :, 1:])), torch.linalg.cross(torch.tensor(x[:, :, :3]),
                                                                                     torch.tensor(x[:, :, 1:]), dim=1))
    _same(ug.kron(ug.eye(2), ug.tensor([[1.0, 2.0]])), torch.kron(torch.eye(2), torch.tensor([[1.0, 2.0]])))
    v, i = ug.cummax(ug.tensor([1.0, 3.0, 3.0, 2.0]), 0)
    tv, ti = torch.cummax(torch.tensor([1.0, 3.0, 3.0, 2.0]), 0)
    _same(v, tv)
    _same(i, ti)


def test_cholesky_and_histc_match_torch():
    m = np.random.default_rng(9).standard_normal((2, 3, 3))
    a = m @ m.transpose(0, 2, 1) + 3 * np.eye(3)
    for upper in (False, True):
        ua, ta = ug.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
        y, t = ug.linalg.cholesky(ua, upper=upper), torch.linalg.cholesky(ta, upper=upper)
        _same(y, t)
        w = np.random.default_rng(10).standard_normal(a.shape)
        (y * ug.tensor(w)).sum().backward()
        (t * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(ua.grad.numpy(), (ta.grad + ta.grad.mT).numpy() / 2, rtol=1e-9, atol=1e-12)
    with pytest.raises(InvalidArgumentError, match="not positive-definite"):
        ug.cholesky(-ug.eye(2))
    x = np.random.default_rng(11).standard_normal(200).astype(np.float32)
    for kw in ({"bins": 7}, {"bins": 4, "min": -1, "max": 1}):
        _same(ug.histc(ug.tensor(x), **kw), torch.histc(torch.tensor(x), **kw))


@pytest.mark.parametrize("name,values", [
    ("erfc", np.linspace(-4, 6, 41)), ("erfinv", np.concatenate([np.linspace(-0.999, 0.999, 41), [1.0, -1.0, 0.0]])),
    ("lgamma", np.concatenate([np.linspace(0.05, 40, 41), [-2.5, -0.3, -7.25]])),
    ("digamma", np.concatenate([np.linspace(0.05, 40, 41), [-2.5, -0.3, -7.25]]))])
def test_special_function_fallbacks_match_scipy(name, values):
    """The NumPy forms used when SciPy is missing agree with SciPy to 1e-10 (the ops are checked
    against torch by the conformance test)."""
    import scipy.special as ss
    from unigrad.ops.elementwise import special_fallback
    ours = getattr(special_fallback, name)(values)
    theirs = getattr(ss, "gammaln" if name == "lgamma" else name)(values)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8])
def test_polygamma_fallback_matches_scipy(n):
    """torch's own polygamma is off by ~5e-10 near 1, so SciPy is the reference for the NumPy form;
    negative arguments come from the recurrence alone, and poles give torch's infinities."""
    import scipy.special as ss
    from unigrad.ops.elementwise import special_fallback
    values = np.concatenate([np.linspace(0.05, 40, 41), [-2.5, -0.3, -7.25, -30.7, 1e-3, 1e4]])
    np.testing.assert_allclose(special_fallback.polygamma(n, values), ss.polygamma(n, values), rtol=1e-12)
    poles = special_fallback.polygamma(n, np.array([0.0, -1.0, -4.0]))
    assert (poles == (np.inf if n % 2 else -np.inf)).all()


def test_polygamma_names_and_bad_order():
    x = np.array([0.7, 3.0, -1.5])
    _same(ug.polygamma(3, ug.tensor(x)), torch.polygamma(3, torch.tensor(x)))
    _same(ug.tensor(x).polygamma(2), torch.tensor(x).polygamma(2))
    _same(ug.polygamma(0, ug.tensor(x)), torch.digamma(torch.tensor(x)))
    with pytest.raises(InvalidArgumentError, match="n must be a non-negative int"):
        ug.polygamma(-1, ug.tensor(x))


def test_lgamma_and_digamma_differentiate_twice_like_torch():
    x = ug.tensor([0.7, 3.0], requires_grad=True)
    t = torch.tensor([0.7, 3.0], requires_grad=True)
    (g,) = ug.autograd.grad(ug.lgamma(x).sum(), [x], create_graph=True)
    (tg,) = torch.autograd.grad(torch.lgamma(t).sum(), [t], create_graph=True)
    _same(g, tg)
    (gg,) = ug.autograd.grad(g.sum(), [x])
    (tgg,) = torch.autograd.grad(tg.sum(), [t])
    _same(gg, tgg)
    (h,) = ug.autograd.grad(ug.digamma(x).sum(), [x], create_graph=True)
    (th,) = torch.autograd.grad(torch.digamma(t).sum(), [t], create_graph=True)
    _same(ug.autograd.grad(h.sum(), [x])[0], torch.autograd.grad(th.sum(), [t])[0])


def test_remaining_elementwise_and_statistics_match_torch():
    a = np.array([1.0, np.nan, -np.inf, 3.0])
    b = np.array([np.nan, 2.0, 1.0, np.inf])
    for name in ("fmax", "fmin", "logaddexp", "logaddexp2"):
        _same(getattr(ug, name)(ug.tensor(a), ug.tensor(b)), getattr(torch, name)(torch.tensor(a), torch.tensor(b)))
    i, j = np.array([12, -18, 0, 7, 0]), np.array([8, 12, 5, 0, 0])
    _same(ug.gcd(ug.tensor(i), ug.tensor(j)), torch.gcd(torch.tensor(i), torch.tensor(j)))
    _same(ug.lcm(ug.tensor(i), ug.tensor(j)), torch.lcm(torch.tensor(i), torch.tensor(j)))
    x = np.random.default_rng(14).standard_normal((3, 7))
    _same(ug.cov(ug.tensor(x), correction=0), torch.cov(torch.tensor(x), correction=0))
    _same(ug.corrcoef(ug.tensor(x)), torch.corrcoef(torch.tensor(x)))
    _same(ug.trapz(ug.tensor(x), dx=0.3), torch.trapz(torch.tensor(x), dx=0.3))
    _same(ug.vander(ug.tensor([1.0, 2.0, 3.0])), torch.vander(torch.tensor([1.0, 2.0, 3.0])))
    _same(ug.logspace(-1, 2, 4, base=2.0), torch.logspace(-1, 2, 4, base=2.0))
    _same(ug.tensor(x).tile((2,)), torch.tensor(x).tile((2,)))


def test_in_place_draws_follow_their_distributions_and_the_seed():
    c = ug.empty(40000).cauchy_(1.0, 2.0).numpy()
    q1, q2, q3 = np.percentile(c, [25, 50, 75])
    assert abs(q2 - 1.0) < 0.1 and abs((q3 - q1) - 4.0) < 0.25  # median 1, interquartile range 2 * sigma
    g = ug.empty(40000).geometric_(0.25).numpy()
    t = torch.empty(40000).geometric_(0.25).numpy()
    assert g.min() >= 1 and abs(g.mean() - t.mean()) < 0.15
    r = ug.zeros(1000, dtype=ug.int64).random_(3, 7).numpy()
    assert set(np.unique(r)) == {3, 4, 5, 6}
    ug.manual_seed(5)
    first = ug.empty(4).log_normal_().numpy().copy()
    ug.manual_seed(5)
    np.testing.assert_array_equal(ug.empty(4).log_normal_().numpy(), first)
    n = ug.normal(ug.full((20000,), 3.0), 0.5).numpy()
    assert abs(n.mean() - 3.0) < 0.02 and abs(n.std() - 0.5) < 0.02
    with pytest.raises(InvalidArgumentError, match="with a number mean and std, give size"):
        ug.normal(0.0, 1.0)
