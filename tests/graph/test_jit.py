import numpy as np
import pytest

import unigrad as ug
from unigrad.graph.executor import ExecutionError

from .helpers import train_step


def _lenet():
    nn = ug.nn
    return nn.Sequential(nn.Conv2d(1, 4, 5), nn.MaxPool2d(2), nn.Conv2d(4, 6, 3, padding=1), nn.ReLU(),
                         nn.AvgPool2d(2), nn.Flatten(), nn.Linear(6 * 6 * 6, 10), nn.LogSoftmax(1))


def test_traced_module_matches_eager(device):
    m = _lenet().to(device)
    x = ug.randn(3, 1, 28, 28, device=device)
    f = ug.jit.trace(m, (x,))
    with ug.no_grad():
        expected = m(x).cpu().numpy()
    x2 = ug.randn(3, 1, 28, 28, device=device)
    with ug.no_grad():
        expected2 = m(x2).cpu().numpy()
    np.testing.assert_allclose(f(x).detach().cpu().numpy(), expected, rtol=1e-5, atol=1e-6)
    with ug.no_grad():
        np.testing.assert_allclose(f(x2).cpu().numpy(), expected2, rtol=1e-5, atol=1e-6)


def test_retraces_when_shapes_change_and_sees_weight_updates():
    calls = []

    @ug.jit
    def f(x, w):
        calls.append(1)
        return (x @ w).relu().sum(1)
    w = ug.randn(4, 3)
    a, b = ug.randn(2, 4), ug.randn(5, 4)
    f(a, w), f(a, w), f(b, w)
    assert len(calls) == 2  # traced once per shape, the second call ran the compiled plan
    with ug.no_grad():
        w.mul_(2)
    np.testing.assert_allclose(f(a, w).numpy(), (a @ w).relu().sum(1).numpy(), rtol=1e-6)


def test_python_control_flow_is_resolved_at_trace_time():
    @ug.jit
    def f(x, flag):
        return x * 2 if flag else x - 1
    x = ug.ones(3)
    assert f(x, True).tolist() == [2, 2, 2]
    assert f(x, False).tolist() == [0, 0, 0]  # a different Python argument is a different trace


def test_gradients_traced_into_the_graph():
    @ug.jit
    def grad_of(x):
        x = x.detach().requires_grad_(True)
        y = (x.tanh() * x).sum()
        (g,) = ug.autograd.grad(y, x)
        return g
    x = ug.randn(5, dtype=ug.float64)
    first = grad_of(x)
    x2 = ug.randn(5, dtype=ug.float64)
    second = grad_of(x2)
    t = np.tanh(x2.numpy())
    np.testing.assert_allclose(second.numpy(), t + x2.numpy() * (1 - t * t), rtol=1e-12)
    assert first.shape == (5,)


def test_random_ops_draw_anew_each_run():
    @ug.jit
    def noisy(x):
        return ug.nn.functional.dropout(x, 0.5, training=True)
    x = ug.ones(1000)
    a, b = noisy(x).numpy(), noisy(x).numpy()
    assert not np.array_equal(a, b) and set(np.unique(a)) <= {0.0, 2.0}


def test_graph_prints_and_errors_name_node_and_source_line():
    @ug.jit
    def f(x, idx):
        return x.reshape(2, -1)[:, 0] * 3
    x = ug.arange(6.0)
    text = str(f.graph_for(x, 0))
    assert "reshape(" in text and "test_jit.py:" in text
    plan = f.cache[next(iter(f.cache))][0]
    with pytest.raises(ExecutionError, match=r"node 'reshape' \(op created at .*test_jit.py:\d+\)"):
        plan.run([np.arange(5.0)])


def test_save_and_load_runs_without_the_model_code(tmp_path):
    m = _lenet()
    x = ug.randn(2, 1, 28, 28)
    f = ug.jit.trace(m, (x,))
    path = tmp_path / "lenet.ugraph.safetensors"
    ug.jit.save(f, path)
    loaded = ug.jit.load(path)
    with ug.no_grad():
        np.testing.assert_allclose(loaded(x).numpy(), f(x).numpy(), rtol=1e-6)
    assert "max_pool2d" in str(loaded) and len(loaded.state_dict()) == len(list(m.parameters()))
    with pytest.raises(ug.DataError, match=r"input 0: expected float32\[2, 1, 28, 28\]"):
        loaded(ug.randn(3, 1, 28, 28))


def test_saved_training_step_keeps_training(tmp_path):
    m = ug.nn.Sequential(ug.nn.Linear(4, 3))
    opt = ug.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)

    step = train_step(m, opt, ug.nn.functional.mse_loss)
    x, y = ug.randn(8, 4), ug.randn(8, 3)
    f = ug.jit.trace(step, (x, y))
    path = tmp_path / "step.safetensors"
    ug.jit.save(f, path)
    loaded = ug.jit.load(path)
    losses = [loaded(x, y).item() for _ in range(20)]
    assert losses[-1] < 0.5 * losses[0]


def test_load_rejects_plain_weights_file(tmp_path):
    path = tmp_path / "w.safetensors"
    ug.save({"a": ug.ones(2)}, path)
    with pytest.raises(ug.DataError, match="no graph"):
        ug.jit.load(path)


def test_traced_module_trains_eagerly_like_pytorch_traced_modules():
    ug.manual_seed(0)
    m = ug.nn.Sequential(ug.nn.Linear(4, 8), ug.nn.Tanh(), ug.nn.Linear(8, 2))
    twin = ug.nn.Sequential(ug.nn.Linear(4, 8), ug.nn.Tanh(), ug.nn.Linear(8, 2))
    twin.load_state_dict(m.state_dict())
    x = ug.randn(5, 4)
    traced = ug.jit.trace(m, (x,))
    opt, opt2 = ug.optim.SGD(m.parameters(), lr=0.1), ug.optim.SGD(twin.parameters(), lr=0.1)
    for step in range(3):
        xs = ug.randn(5, 4)
        for model, o in ((traced, opt), (twin, opt2)):
            loss = (model(xs) ** 2).mean()
            o.zero_grad()
            loss.backward()
            o.step()
    for p, q in zip(m.parameters(), twin.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-6, atol=1e-7)
    x_leaf = ug.randn(5, 4, requires_grad=True)
    traced(x_leaf).sum().backward()
    x_twin = x_leaf.detach().requires_grad_(True)
    twin(x_twin).sum().backward()
    np.testing.assert_allclose(x_leaf.grad.numpy(), x_twin.grad.numpy(), rtol=1e-6, atol=1e-7)


def test_batch_generic_graphs_compile_new_batch_sizes_without_tracing():
    calls = []
    ug.manual_seed(0)
    m = ug.nn.Sequential(ug.nn.Conv2d(1, 3, 3), ug.nn.ReLU(), ug.nn.MaxPool2d(2), ug.nn.Flatten(),
                         ug.nn.Linear(3 * 4 * 4, 5), ug.nn.Dropout(0.0))

    @ug.jit
    def predict(x):
        calls.append(1)
        return ug.nn.functional.log_softmax(m(x), 1)
    rng = np.random.default_rng(0)
    for b in (2, 5, 3, 7, 1, 9):
        x = ug.tensor(rng.standard_normal((b, 1, 10, 10)).astype(np.float32))
        with ug.no_grad():
            got = predict(x).numpy()
            np.testing.assert_allclose(got, ug.nn.functional.log_softmax(m(x), 1).numpy(), rtol=1e-5, atol=1e-6)
    assert len(calls) == 3  # two traces to generalise, a third to confirm; later sizes are instantiated
    family = next(iter(predict.families.values()))
    assert family.verified and "B" in str(family.generic)


def test_functions_whose_structure_depends_on_batch_keep_one_trace_per_size():
    calls = []

    @ug.jit
    def f(x):
        calls.append(1)
        return x * 2 if x.shape[0] % 2 else x.sum(0)  # Python branch on the batch size
    for b in (2, 3, 4, 5):
        out = f(ug.ones(b, 3))
        assert out.tolist() == ([[2.0] * 3] * b if b % 2 else [float(b)] * 3)
    assert len(calls) == 4 and next(iter(f.families.values())).failed


def _count_traces(fn, **jit_kwargs):
    calls = []

    def counted(*args):
        calls.append(1)
        return fn(*args)
    return ug.jit(counted, **jit_kwargs), calls


def test_sequence_length_and_batch_become_symbols():
    ug.manual_seed(0)
    conv, head = ug.nn.Conv1d(4, 6, 3, padding=1), ug.nn.Linear(6, 2)

    def model(x):  # (B, 4, T) -> conv over T -> mean over T -> (B, 2)
        return head(conv(x).relu().mean(2))
    compiled, calls = _count_traces(model)
    rng = np.random.default_rng(0)
    with ug.no_grad():
        for b, t in ((2, 10), (3, 17), (4, 12), (5, 9), (1, 31), (6, 17)):
            x = ug.tensor(rng.standard_normal((b, 4, t)).astype(np.float32))
            np.testing.assert_allclose(compiled(x).numpy(), model(x).numpy(), rtol=1e-5, atol=1e-6)
    assert len(calls) == 3  # two to generalise, a third to confirm
    text = str(next(iter(compiled.families.values())).generic)
    assert "float32[B, 4, d1]" in text and "B = in0.shape[0]" in text


def test_flattened_sequence_dims_and_attention_shapes_generalise():
    ug.manual_seed(1)
    proj = ug.nn.Linear(8, 8)

    def attend(x):  # (B, T, 8): x @ x^T over T, softmax, a (B*T, 8) projection, last step dropped
        b, t, d = x.shape
        scores = (x @ x.transpose(1, 2) / d ** 0.5).softmax(-1)
        y = proj((scores @ x).reshape(b * t, d)).reshape(b, t, d)
        return y[:, :t - 1] + ug.arange(t - 1, dtype=ug.float32).reshape(1, t - 1, 1)
    compiled, calls = _count_traces(attend)
    rng = np.random.default_rng(1)
    with ug.no_grad():
        for b, t in ((2, 5), (3, 7), (2, 9), (4, 6), (1, 11), (5, 3), (3, 12)):
            x = ug.tensor(rng.standard_normal((b, t, 8)).astype(np.float32))
            np.testing.assert_allclose(compiled(x).numpy(), attend(x).numpy(), rtol=1e-5, atol=1e-5)
    # (2, 5) and (3, 7) make t - 1 look like 2*B; the third trace disproves that and joins the
    # fit, the fourth confirms it, and no later shape is traced
    assert len(calls) == 4
    assert "slice(None, d1 - 1, None)" in str(next(iter(compiled.families.values())).generic)


def test_floor_division_sizes_and_the_shape_rule_safety_net():
    from unigrad.graph.generalize import NotGeneric

    def pool(x):  # pooled size is size // 2 for even and odd sizes alike
        return ug.nn.functional.max_pool2d(x, 2).reshape(x.shape[0], -1)
    compiled, calls = _count_traces(pool)
    for size in (4, 8, 6, 5, 7, 10, 9):
        x = ug.randn(2, 1, size, size)
        np.testing.assert_array_equal(compiled(x).numpy(), pool(x).numpy())
    assert len(calls) == 3
    generic = next(iter(compiled.families.values())).generic
    assert "d0 // 2" in str(generic)
    # a wrong fit never runs: each op's own shape rule re-derives the sizes at instantiation
    op, refs, attrs, outs, site = generic.nodes[1]
    generic.nodes[1] = (op, refs, {"shape": (attrs["shape"][0], 7)}, outs, site)
    with pytest.raises(NotGeneric, match="reshape"):
        generic.instantiate([(2, 1, 12, 12)])


def test_dynamic_false_traces_every_shape():
    compiled, calls = _count_traces(lambda x: x * 2, dynamic=False)
    for b in (1, 2, 3, 4):
        compiled(ug.ones(b))
    assert len(calls) == 4 and not compiled.families


def test_dynamic_batch_trace_saves_a_graph_that_runs_at_any_batch_size(tmp_path):
    ug.manual_seed(3)
    m = _lenet().eval()
    f = ug.jit.trace(m, (ug.randn(2, 1, 28, 28),), dynamic_batch=True)
    path = tmp_path / "lenet_dynamic.safetensors"
    ug.jit.save(f, path)
    loaded = ug.jit.load(path)
    assert "float32[B, 1, 28, 28]" in str(loaded)
    with ug.no_grad():
        for b in (1, 5, 64):
            x = ug.randn(b, 1, 28, 28)
            np.testing.assert_allclose(loaded(x).numpy(), m(x).numpy(), rtol=1e-5, atol=1e-6)
    with pytest.raises(ug.DataError, match=r"do not fit the saved graph's \['float32\[B, 1, 28, 28\]'\]"):
        loaded(ug.randn(2, 1, 30, 30))


def test_saved_sequence_model_keeps_its_symbolic_length(tmp_path):
    ug.manual_seed(4)
    proj = ug.nn.Linear(8, 8)

    def model(x):  # (B, T, 8) -> (B, T - 1, 8)
        b, t, d = x.shape
        return proj(x.reshape(b * t, d)).reshape(b, t, d)[:, 1:] * 2
    f = ug.jit(model)
    for b, t in ((2, 5), (3, 7), (4, 4), (2, 9)):
        f(ug.randn(b, t, 8))
    ug.jit.save(f, tmp_path / "seq.safetensors")
    loaded = ug.jit.load(tmp_path / "seq.safetensors")
    with ug.no_grad():
        x = ug.randn(5, 11, 8)
        np.testing.assert_allclose(loaded(x).numpy(), model(x).numpy(), rtol=1e-5, atol=1e-6)


def test_dynamic_batch_refuses_functions_whose_graph_depends_on_the_batch():
    def f(x):
        return x * 2 if x.shape[0] % 2 else x.sum(0)
    with pytest.raises(ug.InvalidArgumentError, match="does not generalise over the batch size"):
        ug.jit.trace(f, (ug.ones(2, 3),), dynamic_batch=True)


def test_dynamic_batch_training_step_saves_and_the_extra_traces_leave_no_updates(tmp_path):
    def make():
        ug.manual_seed(0)
        m = ug.nn.Sequential(ug.nn.Linear(4, 3))
        return m, train_step(m, ug.optim.SGD(m.parameters(), lr=0.1, momentum=0.9), ug.nn.functional.mse_loss)
    x, y = ug.randn(8, 4), ug.randn(8, 3)
    m, step = make()
    f = ug.jit.trace(step, (x, y), dynamic_batch=True)
    twin, twin_step = make()
    twin_step(x, y)  # exactly one eager step: the trace's own call
    for p, q in zip(m.parameters(), twin.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-6)
    ug.jit.save(f, tmp_path / "step.safetensors")
    loaded = ug.jit.load(tmp_path / "step.safetensors")
    assert "fill(1/(3*B))" in str(loaded)  # mse's 1/N over a batch-sized tensor
    x5, y5 = ug.randn(5, 4), ug.randn(5, 3)
    got = [loaded(x5, y5).item() for _ in range(3)]
    want = [twin_step(x5, y5).item() for _ in range(3)]
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_scalar_state_updated_in_place_by_the_function_persists():
    counter = ug.tensor(0.0)

    def f(x):
        counter.add_(1.0)
        return x * counter
    compiled = ug.jit(f)
    got = [compiled(ug.ones(2)).numpy()[0] for _ in range(4)]
    assert got == [1.0, 2.0, 3.0, 4.0] and counter.item() == 4.0


def test_scalar_changed_between_calls_is_seen_and_then_read_live():
    scale = ug.tensor(0.5)
    compiled = ug.jit(lambda x: x * scale)
    x = ug.ones(3)
    assert compiled(x).numpy()[0] == 0.5
    for value in (2.0, 3.0, 4.0):
        scale.fill_(value)  # e.g. a scheduler updating a tensor hyperparameter
        assert compiled(x).numpy()[0] == value
    assert len(compiled.cache) == 1  # retraced once, with the scalar read live from then on


def test_train_and_eval_modes_each_get_their_graph():
    """A compiled forward follows model.train()/model.eval() (the traced graph is guarded on the
    modes of the modules it went through), for dropout and for batch norm's statistics."""
    ug.manual_seed(0)
    model = ug.nn.Sequential(ug.nn.Linear(6, 8), ug.nn.BatchNorm1d(8), ug.nn.Dropout(0.5))
    twin = ug.nn.Sequential(ug.nn.Linear(6, 8), ug.nn.BatchNorm1d(8), ug.nn.Dropout(0.5))
    twin.load_state_dict(model.state_dict())
    compiled = ug.jit(lambda x: model(x))
    x = ug.randn(16, 6)
    with ug.no_grad():
        for mode in ("train", "eval", "train", "eval"):
            getattr(model, mode)()
            getattr(twin, mode)()
            got, want = compiled(x).numpy(), twin(x).numpy()
            if mode == "eval":
                np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
            else:  # dropout draws differ; what is kept is scaled by 2 and the rest is zero
                assert 0.3 < (got == 0).mean() < 0.7
    np.testing.assert_allclose(model[1].running_mean.numpy(), twin[1].running_mean.numpy(), rtol=1e-5)
    assert len(compiled.cache) + len(compiled.state_cache) == 2  # one graph per mode, no more


def test_inputs_changed_in_place_are_written_back():
    def normalize_(x, scale):
        x.sub_(x.mean()).mul_(scale)
        return x.sum()
    compiled = ug.jit(normalize_)
    for seed in range(3):
        ug.manual_seed(seed)
        x = ug.randn(5)
        twin = x.clone()
        before = x._vc[0]
        compiled(x, ug.tensor(np.float32(2.0)))
        normalize_(twin, ug.tensor(np.float32(2.0)))
        np.testing.assert_allclose(x.numpy(), twin.numpy(), rtol=1e-6, atol=1e-7)
        assert x._vc[0] > before  # version bumped, as by an eager in-place op
    assert "-> input 0" in str(compiled.graph)


def test_in_place_updates_of_views_reach_their_base():
    """w[:2].add_(x), x[1:].mul_(10), m.T[0].add_(...) update the base tensor in compiled calls
    as they do eagerly (the graph scatters the view's new value back into its base)."""
    def run(compile_it):
        w, m = ug.zeros(4), ug.ones(2, 3)

        def f(x):
            w[:2].add_(x)
            m.T[0].add_(x)                # a slice of a transposed view
            m.reshape(6)[5:].mul_(2.0)    # a slice of a reshaped view
            x[1:].mul_(10.0)              # the caller's input, through a view
            return w.sum() + m.sum() + x.sum()
        fn = ug.jit(f) if compile_it else f
        results = []
        for _ in range(3):
            x = ug.ones(2)
            results.append((fn(x).item(), x.numpy().tolist()))
        return results, w.numpy().tolist(), m.numpy().tolist()
    assert run(True) == run(False)


def test_python_reads_of_tensor_values_run_eagerly_with_a_warning():
    """A Python branch or float() on a computed tensor would be frozen into the graph (torch.jit.trace
    only warns and returns stale results); unigrad warns, names the line and runs the function eagerly."""
    from unigrad.graph.jit import JitFallbackWarning
    branchy = ug.jit(lambda x: x * 2 if x.sum() > 0 else x * -1)
    logged = ug.jit(lambda x: (x * x).sum().item())
    with pytest.warns(JitFallbackWarning, match=r"test_jit.py:\d+"):
        assert branchy(ug.ones(2)).numpy().tolist() == [2.0, 2.0]
    assert branchy(-ug.ones(2)).numpy().tolist() == [1.0, 1.0]
    with pytest.warns(JitFallbackWarning):
        assert logged(ug.ones(3)) == 3.0
    assert logged(ug.ones(3) * 2) == 12.0


def test_reading_a_constant_made_in_the_function_still_compiles():
    import warnings

    def f(x):
        scale = ug.tensor(3.0)
        return x * float(scale)
    compiled = ug.jit(f)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compiled(ug.ones(2))
        assert compiled(ug.ones(2) * 2).numpy().tolist() == [6.0, 6.0]
    assert compiled.eager_reason is None and len(compiled.cache) == 1


def test_python_read_of_outside_state_is_guarded():
    flag = ug.tensor(1.0)
    compiled = ug.jit(lambda x: x * 2 if flag > 0 else x)
    assert compiled(ug.ones(2)).numpy().tolist() == [2.0, 2.0]
    flag.fill_(-1.0)  # changed in place between calls: the graph baked the branch, so it retraces
    assert compiled(ug.ones(2)).numpy().tolist() == [1.0, 1.0]
    assert compiled.eager_reason is None


def test_keyword_arguments_are_part_of_the_signature():
    compiled = ug.jit(lambda x, scale=1.0, bias=None: x * scale + (bias if bias is not None else 0))
    x = ug.ones(2)
    assert compiled(x, scale=3.0).numpy().tolist() == [3.0, 3.0]
    assert compiled(x, scale=3.0).numpy().tolist() == [3.0, 3.0]
    assert compiled(x, scale=2.0, bias=ug.ones(2)).numpy().tolist() == [3.0, 3.0]
    assert compiled(x, bias=ug.ones(2) * 5, scale=2.0).numpy().tolist() == [7.0, 7.0]  # any keyword order
    assert len(compiled.cache) == 2
