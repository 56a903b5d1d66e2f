"""Property tests: broadcasting arithmetic against NumPy for random shapes and scalars."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import unigrad as ug

shapes = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=4)
OPS = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "maximum": np.maximum}


@settings(max_examples=60, deadline=None)
@given(shapes=shapes, op=st.sampled_from(sorted(OPS)), seed=st.integers(0, 2 ** 16))
def test_broadcast_binary_forward_and_grad_shapes(shapes, op, seed):
    rng = np.random.default_rng(seed)
    a_np, b_np = (rng.standard_normal(s) for s in shapes.input_shapes)
    a = ug.tensor(a_np, requires_grad=True)
    b = ug.tensor(b_np, requires_grad=True)
    out = getattr(ug, op)(a, b)
    np.testing.assert_allclose(out.detach().numpy(), OPS[op](a_np, b_np), rtol=1e-12)
    out.sum().backward()
    assert a.grad.shape == a.shape and b.grad.shape == b.shape
    if op == "add":
        n = np.prod(shapes.result_shape) if shapes.result_shape else 1
        assert np.isclose(a.grad.numpy().sum(), n) and np.isclose(b.grad.numpy().sum(), n)


@settings(max_examples=40, deadline=None)
@given(value=st.one_of(st.integers(-5, 5), st.floats(-3, 3, allow_nan=False)),
       dtype=st.sampled_from([ug.float32, ug.float64, ug.int64, ug.int32]))
def test_scalar_promotion_matches_pytorch_rules(value, dtype):
    t = ug.ones(3, dtype=dtype)
    out = t * value
    if isinstance(value, float) and not dtype.is_floating_point:
        assert out.dtype is ug.float32
    else:
        assert out.dtype is dtype


def test_manual_seed_reproduces_runs():
    def run():
        ug.manual_seed(123)
        m = ug.nn.Sequential(ug.nn.Linear(4, 8), ug.nn.Dropout(0.5), ug.nn.Linear(8, 1))
        x = ug.randn(16, 4)
        loader = ug.data.DataLoader(ug.data.TensorDataset(x, ug.arange(16)), batch_size=4, shuffle=True)
        return [m(xb).sum().item() for xb, _ in loader]
    assert run() == run()
