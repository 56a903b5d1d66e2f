"""F.scaled_dot_product_attention, nn.MultiheadAttention and the nn.Transformer family against
PyTorch: the same weights (state_dicts loaded from torch modules) give torch's outputs and
gradients, in eval mode and in train mode with dropout 0."""
import numpy as np
import pytest
import torch

import unigrad as ug
from unigrad.errors import InvalidArgumentError, ShapeError

F = ug.nn.functional


def _pair(*shape, seed=0):
    a = np.random.default_rng(seed).standard_normal(shape)
    return ug.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def test_sdpa_masks_and_grads_match_torch():
    (q, tq), (k, tk), (v, tv) = _pair(2, 3, 5, 4), _pair(2, 3, 6, 4, seed=1), _pair(2, 3, 6, 2, seed=2)
    bool_mask = np.random.default_rng(3).standard_normal((5, 6)) > 0
    bool_mask[2] = False
    for kwargs, tkwargs in [({}, {}),
                            ({"attn_mask": ug.tensor(bool_mask)}, {"attn_mask": torch.tensor(bool_mask)}),
                            ({"is_causal": True, "scale": 0.25}, {"is_causal": True, "scale": 0.25})]:
        out = F.scaled_dot_product_attention(q, k, v, **kwargs)
        expected = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, **tkwargs)
        np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-12)
        g = np.random.default_rng(4).standard_normal(tuple(out.shape))
        grads = ug.autograd.grad((out * ug.tensor(g)).sum(), [q, k, v])
        t_grads = torch.autograd.grad((expected * torch.tensor(g)).sum(), [tq, tk, tv])
        for a, b in zip(grads, t_grads):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-9, atol=1e-12)


def test_sdpa_dropout_keeps_the_expectation_and_is_seeded():
    q, k = ug.zeros(1, 64, 8), ug.zeros(1, 64, 8)   # uniform attention: each output is the mean of v
    v = ug.ones(1, 64, 8)
    ug.manual_seed(0)
    a = F.scaled_dot_product_attention(q, k, v, dropout_p=0.25)
    ug.manual_seed(0)
    b = F.scaled_dot_product_attention(q, k, v, dropout_p=0.25)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert 0.9 < float(a.mean()) < 1.1 and float(a.std()) > 0.05      # mean 1, but each row varies
    assert float(F.scaled_dot_product_attention(q, k, v, dropout_p=0.0).std()) == 0.0


def test_sdpa_bad_input_says_what_is_wrong():
    q = ug.randn(2, 3, 4)
    with pytest.raises(ShapeError, match="query has 4 features, key 5"):
        F.scaled_dot_product_attention(q, ug.randn(2, 6, 5), ug.randn(2, 6, 5))
    with pytest.raises(ShapeError, match="attn_mask of shape"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=ug.zeros(4, 4))
    with pytest.raises(InvalidArgumentError, match="not both"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=ug.zeros(3, 3), is_causal=True)
