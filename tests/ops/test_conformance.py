"""One registry-driven test for every op: forward vs NumPy reference and PyTorch, gradients vs
float64 finite differences and PyTorch, double backward, infer vs real shapes, on every device."""
import numpy as np
import pytest
import torch

import unigrad as ug
from unigrad.ops import REGISTRY
from unigrad.ops.spec import Spec

from .gradcheck import as_inputs, call_op, flatten_outputs, numeric_grads, to_torch

CASES = [(name, i) for name, op in sorted(REGISTRY.items()) for i, _ in enumerate(op.samples() if op.samples else [])]


def test_every_op_has_samples_and_oracle():
    missing = [name for name, op in REGISTRY.items() if not op.samples or not list(op.samples())]
    assert not missing, f"ops without conformance samples: {missing}"
    no_oracle = [name for name, op in REGISTRY.items() if op.torch_ref is None]
    assert not no_oracle, f"ops without a PyTorch reference: {no_oracle}"


def _tol(op, dtype):
    tol = {"rtol": 1e-10, "atol": 1e-10} if dtype == np.float64 else {"rtol": 1e-5, "atol": 1e-6}
    tol.update(op.tolerance)
    return tol


def _check_random(op, sample, inputs, exact, dtype=None):
    """A random op: PyTorch's draw has the same shape, dtype and distribution (mean and spread
    within six standard errors); on the CPU the values are those of NumPy's stream from the
    sample generator's seed (the op's reference)."""
    out = flatten_outputs(call_op(op, inputs, sample.attrs))
    expected = flatten_outputs(op.torch_ref(torch, *to_torch(sample.inputs, dtype), **sample.attrs))
    for o, e in zip(out, expected):
        got, want = o.cpu().numpy().astype(np.float64), e.numpy().astype(np.float64)
        assert got.shape == want.shape and o.dtype.name == str(e.dtype).replace("torch.", ""), \
            f"{op.name}: {o.dtype.name}{list(got.shape)} vs torch {e.dtype}{list(want.shape)}"
        n = max(got.size, 1)
        spread = 6 * np.sqrt(got.var() / n + want.var() / n)
        assert abs(got.mean() - want.mean()) <= spread + 1e-12, f"{op.name}: mean {got.mean()} vs {want.mean()}"
        assert abs(got.std() - want.std()) <= 0.15 * want.std() + 1e-12, f"{op.name}: std {got.std()} vs {want.std()}"
    if exact and op.reference is not None:
        ref = op.reference(np, *sample.inputs, **sample.attrs)
        for o, r in zip(out, ref if isinstance(ref, tuple) else (ref,)):
            np.testing.assert_array_equal(o.numpy(), r, err_msg=f"{op.name} vs its seeded NumPy stream")


@pytest.mark.parametrize("name,index", CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_forward(name, index, device):
    op = REGISTRY[name]
    sample = list(op.samples())[index]
    inputs = as_inputs(sample.inputs, device)
    if op.random:
        return _check_random(op, sample, inputs, exact=device == "cpu")
    out = flatten_outputs(call_op(op, inputs, sample.attrs))
    expected = flatten_outputs(op.torch_ref(torch, *to_torch(sample.inputs), **sample.attrs))
    assert len(out) == len(expected)
    for o, e in zip(out, expected):
        e = e.detach().numpy()
        assert tuple(o.shape) == e.shape, f"{name}: shape {tuple(o.shape)} vs torch {e.shape}"
        np.testing.assert_allclose(np.asarray(o.cpu().detach().numpy(), dtype=np.float64),
                                   e.astype(np.float64), rtol=1e-7, atol=1e-9, err_msg=f"{name} vs torch")
    if op.reference is not None:
        ref = op.reference(np, *sample.inputs, **sample.attrs)
        ref = ref if isinstance(ref, tuple) else (ref,)
        for o, r in zip(out, ref):
            np.testing.assert_allclose(o.cpu().detach().numpy(), r, rtol=1e-7, atol=1e-9, err_msg=f"{name} vs numpy")
    if op.infer is not None and not op.composite and all(isinstance(t, ug.Tensor) for t in inputs):
        spec = op.infer(*[Spec(t.shape, t.dtype) if isinstance(t, ug.Tensor) else t for t in inputs], **sample.attrs)
        specs = spec if isinstance(spec, tuple) else (spec,)
        for o, s in zip(out, specs):
            assert tuple(o.shape) == tuple(s.shape) and o.dtype is s.dtype, f"{name}: infer {s} vs {o.shape} {o.dtype}"


FLOAT64_RESULTS = {"float_power"}  # ops whose result is float64 by definition, as in torch


def _float32_forward_matches(op, sample, device):
    inputs = as_inputs(sample.inputs, device, dtype=np.float32)
    if op.random:
        return _check_random(op, sample, inputs, exact=False, dtype=np.float32)
    out = flatten_outputs(call_op(op, inputs, sample.attrs))
    expected = flatten_outputs(op.torch_ref(torch, *to_torch(sample.inputs, np.float32), **sample.attrs))
    for o, e in zip(out, expected):
        if "dtype" not in sample.attrs and op.name not in FLOAT64_RESULTS:
            assert o.dtype is not ug.float64, f"{op.name}: float32 input gave {o.dtype}"
        np.testing.assert_allclose(o.cpu().detach().numpy(), e.detach().numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name,index", CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_float32(name, index, device):
    op = REGISTRY[name]
    _float32_forward_matches(op, list(op.samples())[index], device)


@pytest.mark.parametrize("name,index", CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_backward(name, index, device):
    op = REGISTRY[name]
    sample = list(op.samples())[index]
    if not sample.grad or not op.diff_outputs and not op.composite:
        pytest.skip("op or sample is not differentiable")
    inputs = as_inputs(sample.inputs, device, requires_grad=True, only=sample.diff)
    diff = [i for i, t in enumerate(inputs) if isinstance(t, ug.Tensor) and t.requires_grad]
    if not diff:
        pytest.skip("no differentiable inputs")
    outs = [o for o in flatten_outputs(call_op(op, inputs, sample.attrs)) if o.requires_grad]
    if not outs:
        pytest.skip("outputs carry no gradient")
    rng = np.random.default_rng(7)
    cotangents = [rng.standard_normal(tuple(o.shape)) for o in outs]
    loss = sum((o * ug.tensor(c, device=o.device)).sum() for o, c in zip(outs, cotangents))
    grads = ug.autograd.grad(loss, [inputs[i] for i in diff], create_graph=op.double_backward, allow_unused=True)
    numeric = numeric_grads(op, sample, diff, cotangents)
    torch_inputs = to_torch(sample.inputs, requires_grad=diff)
    t_outs = [o for o in flatten_outputs(op.torch_ref(torch, *torch_inputs, **sample.attrs)) if o.requires_grad]
    t_loss = sum((o * torch.tensor(c)).sum() for o, c in zip(t_outs, cotangents))
    t_grads = torch.autograd.grad(t_loss, [torch_inputs[i] for i in diff], allow_unused=True)
    for i, g, n, tg in zip(diff, grads, numeric, t_grads):
        got = np.zeros(sample.inputs[i].shape) if g is None else g.cpu().detach().numpy()
        if sample.fd:
            np.testing.assert_allclose(got, n, rtol=1e-5, atol=1e-6, err_msg=f"{name}: grad of input {i} vs finite diff")
        if tg is not None:
            np.testing.assert_allclose(got, tg.numpy(), rtol=1e-7, atol=1e-9, err_msg=f"{name}: grad {i} vs torch")
    if op.double_backward and sample.double and sample.fd:
        _check_double_backward(op, sample, inputs, diff, grads, device)


def _check_double_backward(op, sample, inputs, diff, grads, device):
    """d/dx of <grad, v> against finite differences of the first-order gradient."""
    live = [(i, g) for i, g in zip(diff, grads) if g is not None and g.requires_grad]
    if not live:
        return
    rng = np.random.default_rng(11)
    vs = [rng.standard_normal(tuple(g.shape)) for _, g in live]
    total = sum((g * ug.tensor(v, device=g.device)).sum() for (_, g), v in zip(live, vs))
    second = ug.autograd.grad(total, [inputs[i] for i in diff], allow_unused=True)
    from .gradcheck import numeric_second
    expected = numeric_second(op, sample, diff, [i for i, _ in live], vs, device)
    for g2, e in zip(second, expected):
        got = np.zeros_like(e) if g2 is None else g2.cpu().detach().numpy()
        np.testing.assert_allclose(got, e, rtol=1e-4, atol=1e-5, err_msg=f"{op.name}: double backward")


ONNX_CASES = [(name, i) for name, i in CASES if REGISTRY[name].onnx is not None and not REGISTRY[name].random
              and REGISTRY[name].device_attr is None and REGISTRY[name].n_outputs != -1]


# outputs an op's ONNX form has: the fused recurrent layers' last output is the workspace their
# fused backward reads, which ONNX has no form for (inference graphs never read it)
ONNX_OUTPUTS = {"lstm_layer": 3, "gru_layer": 2, "rnn_layer": 2}


@pytest.mark.parametrize("name,index", ONNX_CASES, ids=[f"{n}-{i}" for n, i in ONNX_CASES])
def test_onnx_export(name, index):
    """The op exported through its ONNX rule and run by onnxruntime gives the eager values
    (float32 samples; composites are called by their public name, which export records)."""
    ort = pytest.importorskip("onnxruntime")
    import unigrad.onnx  # noqa: F401
    from unigrad.ops import api
    op = REGISTRY[name]
    sample = list(op.samples())[index]
    inputs = as_inputs(sample.inputs, "cpu", dtype=np.float32)
    positions = [i for i, x in enumerate(inputs) if isinstance(x, ug.Tensor)]

    def fn(*tensors):
        args = list(inputs)
        for i, t in zip(positions, tensors):
            args[i] = t
        if op.composite and op.impl is op.public:  # (called by name: export records the composite)
            return getattr(api, op.name)(*args, **sample.attrs)
        out = call_op(op, args, sample.attrs)
        return out[:ONNX_OUTPUTS[name]] if name in ONNX_OUTPUTS else out
    tensors = [inputs[i] for i in positions]
    with ug.no_grad():
        expected = flatten_outputs(fn(*tensors))
    proto = ug.onnx.export(fn, tuple(tensors))
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    got = session.run(None, {i.name: t.numpy() for i, t in zip(session.get_inputs(), tensors)})
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        e = e.numpy()
        assert g.shape == e.shape and g.dtype == e.dtype, f"{name}: {g.dtype}{g.shape} vs {e.dtype}{e.shape}"
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-5, err_msg=f"{name} exported to onnxruntime")
