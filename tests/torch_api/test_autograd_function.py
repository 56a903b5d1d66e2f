"""torch.autograd.Function and torch.autograd.functional in ug.autograd, against PyTorch."""
import numpy as np
import pytest
import torch
import torch.autograd.functional as TF

import unigrad as ug
import unigrad.autograd.functional as UF


def _legendre(lib):
    class LegendrePolynomial3(lib.autograd.Function):  # "learning PyTorch with examples"
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)
    return LegendrePolynomial3


def test_legendre_function_values_gradients_and_double_backward_match_torch():
    x = np.linspace(-1, 1, 7)
    xu, xt = ug.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    yu, yt = _legendre(ug).apply(xu), _legendre(torch).apply(xt)
    np.testing.assert_allclose(yu.detach().numpy(), yt.detach().numpy())
    assert yu.grad_fn.name() == "LegendrePolynomial3Backward"
    gu, = ug.autograd.grad(yu.sum(), xu, create_graph=True)
    gt, = torch.autograd.grad(yt.sum(), xt, create_graph=True)
    np.testing.assert_allclose(gu.detach().numpy(), gt.detach().numpy())
    g2u, = ug.autograd.grad((gu ** 2).sum(), xu)
    g2t, = torch.autograd.grad((gt ** 2).sum(), xt)
    np.testing.assert_allclose(g2u.numpy(), g2t.numpy())


def _scaled_mul(lib, seen):
    class ScaledMul(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a, b, scale, note="x"):
            seen.append(ctx.needs_input_grad)
            ctx.save_for_backward(a, b)
            ctx.scale = scale
            return a * b * scale, (a + b).argmax()

        @staticmethod
        def backward(ctx, grad, _index_grad):
            a, b = ctx.saved_tensors
            return grad * b * ctx.scale, grad * a * ctx.scale, None, None
    return ScaledMul


def test_several_inputs_non_tensor_arguments_and_outputs_without_gradient():
    seen_u, seen_t = [], []
    a, b = np.array([1.0, -2.0, 3.0]), np.array([0.5, 4.0, -1.0])
    au, bu = ug.tensor(a, requires_grad=True), ug.tensor(b)
    at, bt = torch.tensor(a, requires_grad=True), torch.tensor(b)
    (yu, iu), (yt, it) = _scaled_mul(ug, seen_u).apply(au, bu, 2.0, "n"), _scaled_mul(torch, seen_t).apply(at, bt, 2.0, "n")
    assert seen_u == [tuple(seen_t[0])] == [(True, False, False, False)]
    assert iu.item() == it.item() and not iu.requires_grad
    yu.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(au.grad.numpy(), at.grad.numpy())
    assert bu.grad is None


def test_mark_dirty_and_mark_non_differentiable():
    class AddOneInPlace(ug.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1.0)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad

    class Sign(ug.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            s = ug.sign(x)
            ctx.mark_non_differentiable(s)
            return s, x * 2

        @staticmethod
        def backward(ctx, _g_sign, g):
            return g * 2

    w = ug.tensor([1.0, 2.0], requires_grad=True)
    h = w * 3
    out = AddOneInPlace.apply(h)
    assert out is h and h.tolist() == [4.0, 7.0] and h.grad_fn.name() == "AddOneInPlaceBackward"
    (out * out).sum().backward()
    assert w.grad.tolist() == [24.0, 42.0]  # d/dw (3w + 1)^2 = 6 (3w + 1)
    with pytest.raises(ug.AutogradError, match="leaf tensor that requires grad"):
        AddOneInPlace.apply(ug.tensor([1.0], requires_grad=True))
    x = ug.tensor([-1.0, 2.0], requires_grad=True)
    s, y = Sign.apply(x)
    assert not s.requires_grad and y.requires_grad
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_errors_name_the_function():
    class Wrong(ug.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            ctx.save_for_backward(x)
            return x * y

        @staticmethod
        def backward(ctx, g):
            return (g,)

    class BadShape(ug.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return ug.ones(5)
    x, y = ug.ones(2, requires_grad=True), ug.ones(2, requires_grad=True)
    with pytest.raises(ug.AutogradError, match="Wrong.backward returned 1 gradients"):
        Wrong.apply(x, y).sum().backward()
    with pytest.raises(ug.AutogradError, match=r"BadShape.backward returned a gradient of shape \(5,\)"):
        BadShape.apply(x).sum().backward()

    class Saves(ug.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * x
    h = x * 1
    out = Saves.apply(h)
    with ug.no_grad():
        h.add_(1)
    with pytest.raises(ug.AutogradError, match="modified by an in-place operation"):
        out.sum().backward()


def test_materialize_grads_setup_context_and_once_differentiable():
    got = []

    class Two(ug.autograd.Function):
        @staticmethod
        def forward(x):
            return x * 2, x * 3

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.set_materialize_grads(False)

        @staticmethod
        @ug.autograd.once_differentiable
        def backward(ctx, g1, g2):
            got.append((g1 is None, g2 is None, ug.is_grad_enabled()))
            return g1 * 2
    x = ug.ones(2, requires_grad=True)
    a, _ = Two.apply(x)
    a.sum().backward()
    assert got == [(False, True, False)] and x.grad.tolist() == [2.0, 2.0]


def test_a_custom_function_inside_a_compiled_training_step():
    P3 = _legendre(ug)
    w = ug.nn.Parameter(ug.tensor([0.3, -0.2]))
    x = ug.linspace(-1, 1, 8)

    def step():
        w.grad = None
        loss = (P3.apply(w[0] + w[1] * x) ** 2).sum()
        loss.backward()
        return loss, w.grad
    eager_loss, eager_grad = step()
    eager_loss, eager_grad = eager_loss.item(), eager_grad.clone()
    compiled = ug.jit(step)
    for _ in range(2):
        loss, grad = compiled()
        np.testing.assert_allclose(loss.item(), eager_loss, rtol=1e-6)
        np.testing.assert_allclose(grad.detach().numpy(), eager_grad.numpy(), rtol=1e-6)


def _f_multi(lib):
    return lambda x, y: (x ** 2 * y.sum(), x.exp() @ y)


@pytest.mark.parametrize("create_graph", [False, True])
def test_jacobian_of_several_inputs_and_outputs_matches_torch(create_graph):
    x, y = np.array([1.0, 2.0]), np.array([[0.5, 1.5, 2.0], [1.0, -1.0, 0.0]])
    ju = UF.jacobian(_f_multi(ug), (ug.tensor(x), ug.tensor(y)), create_graph=create_graph)
    jt = TF.jacobian(_f_multi(torch), (torch.tensor(x), torch.tensor(y)), create_graph=create_graph)
    for row_u, row_t in zip(ju, jt):
        for a, b in zip(row_u, row_t):
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy())
            assert a.requires_grad == b.requires_grad
    single = UF.jacobian(lambda v: v.sin(), ug.tensor(x))
    np.testing.assert_allclose(single.numpy(), TF.jacobian(lambda v: v.sin(), torch.tensor(x)).numpy())


def test_hessian_vjp_jvp_hvp_vhp_match_torch():
    x = np.array([0.5, -1.0, 2.0])
    f = lambda lib: (lambda v: (v ** 3).sum() * v.prod() + v.exp().sum())  # noqa: E731
    np.testing.assert_allclose(UF.hessian(f(ug), ug.tensor(x)).numpy(), TF.hessian(f(torch), torch.tensor(x)).numpy())
    h2u = UF.hessian(lambda a, b: (a * b ** 2).sum(), (ug.tensor(x), ug.tensor(x[::-1].copy())))
    h2t = TF.hessian(lambda a, b: (a * b ** 2).sum(), (torch.tensor(x), torch.tensor(x[::-1].copy())))
    for ru, rt in zip(h2u, h2t):
        for a, b in zip(ru, rt):
            np.testing.assert_allclose(a.numpy(), b.numpy())
    v = np.array([1.0, 0.5, -2.0])
    for name in ("vjp", "jvp"):
        ou, gu = getattr(UF, name)(lambda t: t.sin() * 2, ug.tensor(x), ug.tensor(v))
        ot, gt = getattr(TF, name)(lambda t: t.sin() * 2, torch.tensor(x), torch.tensor(v))
        np.testing.assert_allclose(ou.numpy(), ot.numpy())
        np.testing.assert_allclose(gu.numpy(), gt.numpy())
    for name in ("hvp", "vhp"):
        ou, gu = getattr(UF, name)(f(ug), ug.tensor(x), ug.tensor(v))
        ot, gt = getattr(TF, name)(f(torch), torch.tensor(x), torch.tensor(v))
        np.testing.assert_allclose(ou.numpy(), ot.numpy())
        np.testing.assert_allclose(gu.numpy(), gt.numpy())


def test_strict_and_unused_inputs():
    x, y = ug.tensor([1.0, 2.0]), ug.tensor([3.0])
    jac = UF.jacobian(lambda a, b: a * 2, (x, y))
    assert jac[1].tolist() == [[0.0], [0.0]]
    with pytest.raises(ug.AutogradError, match="independent of input 1"):
        UF.jacobian(lambda a, b: a * 2, (x, y), strict=True)
