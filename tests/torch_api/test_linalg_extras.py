"""ug.linalg.lstsq's results per driver (solution, residuals, rank, singular values) and the
module-level names, against torch.linalg (float64); values and gradients of each function are
in the registry conformance test (ops linalg_*)."""
import numpy as np
import pytest
import torch

import unigrad as ug


@pytest.mark.parametrize("driver", [None, "gelsy", "gelsd", "gelss", "gels"])
@pytest.mark.parametrize("shape", [(5, 3), (2, 4, 3), (2, 4)])
def test_lstsq_results_follow_the_driver_as_torch(driver, shape):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(shape), rng.standard_normal(shape[:-1] + (2,))
    got = ug.linalg.lstsq(ug.tensor(a), ug.tensor(b), driver=driver)
    want = torch.linalg.lstsq(torch.tensor(a), torch.tensor(b), driver=driver)
    for name in ("solution", "residuals", "singular_values"):
        np.testing.assert_allclose(getattr(got, name).numpy(), getattr(want, name).numpy(), rtol=1e-9, atol=1e-10)
    np.testing.assert_array_equal(got.rank.numpy(), want.rank.numpy())


def test_rank_deficient_lstsq_drops_the_small_singular_values():
    a = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])  # rank 1
    b = np.array([[1.0], [2.0], [2.0]])
    got = ug.linalg.lstsq(ug.tensor(a), ug.tensor(b), driver="gelsd")
    want = torch.linalg.lstsq(torch.tensor(a), torch.tensor(b), driver="gelsd")
    np.testing.assert_allclose(got.solution.numpy(), want.solution.numpy(), rtol=1e-9, atol=1e-12)
    assert int(got.rank) == int(want.rank) == 1 and got.residuals.numel() == want.residuals.numel() == 0
    with pytest.raises(ug.InvalidArgumentError, match="driver must be one of"):
        ug.linalg.lstsq(ug.tensor(a), ug.tensor(b), driver="lapack")
    with pytest.raises(ug.ShapeError, match="must have the same m"):
        ug.linalg.lstsq(ug.tensor(a), ug.zeros(2, 1, dtype=ug.float64))


def test_module_level_names_match_torch():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    for name, args in [("vecdot", (a, a)), ("vander", (a[0],)), ("cross", (a, a[::-1].copy())),
                       ("cond", (a,)), ("solve_triangular", (a, a))]:
        kw = {"upper": True} if name == "solve_triangular" else {}
        got = getattr(ug.linalg, name)(*[ug.tensor(x) for x in args], **kw)
        want = getattr(torch.linalg, name)(*[torch.tensor(x) for x in args], **kw)
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-10, atol=1e-12, err_msg=name)
    with pytest.raises(ug.ShapeError, match="tensor 1 must be 2-D"):
        ug.linalg.multi_dot([ug.randn(3), ug.randn(3), ug.randn(3)])
