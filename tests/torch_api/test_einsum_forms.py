"""einsum's diagonal subscripts (a letter repeated within one operand) with gradients, and the
sublist form, against PyTorch (float64); mismatched diagonal sizes refused naming the dims."""
import numpy as np
import pytest
import torch

import unigrad as ug


@pytest.mark.parametrize("equation, shapes", [("ii->", [(4, 4)]), ("ii->i", [(4, 4)]), ("ii", [(4, 4)]),
                                              ("iij,jk->ik", [(3, 3, 4), (4, 2)]), ("iii->i", [(3, 3, 3)]),
                                              ("bii,bj->bij", [(2, 3, 3), (2, 5)]), ("...ii->...i", [(2, 3, 3)]),
                                              ("ij,jj->ij", [(2, 3), (3, 3)])])
def test_diagonal_subscripts_and_their_gradients_match_torch(equation, shapes):
    rng = np.random.default_rng(0)
    xs = [rng.standard_normal(s) for s in shapes]
    us, ts = [ug.tensor(x, requires_grad=True) for x in xs], [torch.tensor(x, requires_grad=True) for x in xs]
    yu, yt = ug.einsum(equation, *us), torch.einsum(equation, *ts)
    np.testing.assert_allclose(yu.detach().numpy(), yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = rng.standard_normal(tuple(yt.shape))
    (yu * ug.tensor(g)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    for u, t in zip(us, ts):
        np.testing.assert_allclose(u.grad.numpy(), t.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_sublist_form_matches_torch():
    rng = np.random.default_rng(1)
    a, b, x = rng.standard_normal((3, 4)), rng.standard_normal((4, 5)), rng.standard_normal((2, 3, 3))
    for ug_args, torch_args in [((ug.tensor(a), [0, 1], ug.tensor(b), [1, 2], [0, 2]),
                                 (torch.tensor(a), [0, 1], torch.tensor(b), [1, 2], [0, 2])),
                                ((ug.tensor(a), [0, 1], ug.tensor(b), [1, 2]),
                                 (torch.tensor(a), [0, 1], torch.tensor(b), [1, 2])),
                                ((ug.tensor(x), [Ellipsis, 0, 0], [Ellipsis, 0]),
                                 (torch.tensor(x), [Ellipsis, 0, 0], [Ellipsis, 0]))]:
        np.testing.assert_allclose(ug.einsum(*ug_args).numpy(), torch.einsum(*torch_args).numpy(), rtol=1e-12)


def test_bad_diagonals_and_sublists_say_what_is_wrong():
    with pytest.raises(ug.ShapeError, match="subscript 'j' is repeated .* sizes 3 and 4 of dims 0 and 1"):
        ug.einsum("ij,jj->i", ug.randn(2, 3), ug.randn(3, 4))
    with pytest.raises(ug.InvalidArgumentError, match="must be an int in \\[0, 52\\)"):
        ug.einsum(ug.randn(2, 2), [0, 60])
