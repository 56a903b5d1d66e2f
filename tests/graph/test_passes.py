import numpy as np
import pytest

import unigrad as ug
from unigrad.graph import passes
from unigrad.graph.executor import Plan

from .helpers import trace_graph, train_step


def _run(graph, *inputs):
    return Plan(graph).run([t._data for t in inputs])[0]


def test_dead_code_elimination_removes_unused_nodes():
    g = trace_graph(lambda x: (x.exp(), x.sin())[0] + 1, ug.randn(3))
    before = len(g.nodes)
    assert passes.dead_code_elimination(g) == 1 and len(g.nodes) == before - 1


def test_cse_merges_repeated_work():
    g = trace_graph(lambda x: x.exp() + x.exp(), ug.randn(3))
    assert passes.common_subexpression_elimination(g) == 1
    assert [n.name for n in g.nodes] == ["exp", "add"]


def test_constant_folding_and_algebraic_simplification():
    def f(x):
        c = ug.ones(3) * 2 + 1
        return (x * 1.0 + 0.0) * c
    x = ug.randn(3)
    g = trace_graph(f, x)
    report = passes.optimize(g)
    assert report["constant_folding"] >= 2 and report["algebraic_simplification"] >= 2
    assert [n.name for n in g.nodes] == ["mul"]
    np.testing.assert_allclose(_run(g, x), x.numpy() * 3)


def test_random_graphs_optimised_equal_eager():
    rng = np.random.default_rng(0)
    unary = [lambda t: t.exp(), lambda t: t.tanh(), lambda t: t * 1.0, lambda t: t + 0.0, lambda t: t.relu(),
             lambda t: t.reshape(-1).reshape(t.shape), lambda t: t.sum(1, keepdim=True).expand(t.shape)]
    binary = [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b, lambda a, b: ug.maximum(a, b)]
    for trial in range(25):
        ops = [(rng.integers(2), rng.integers(len(unary)), rng.integers(len(binary)), rng.integers(10))
               for _ in range(12)]

        def f(x):
            vals = [x]
            for kind, u, b, pick in ops:
                a = vals[pick % len(vals)]
                vals.append(unary[u](a) if kind == 0 else binary[b](a, vals[-1]))
            return vals[-1] + vals[len(vals) // 2]
        x = ug.tensor(rng.standard_normal((3, 4)))
        g = trace_graph(f, x)
        passes.optimize(g)
        np.testing.assert_allclose(_run(g, x), f(x).numpy(), rtol=1e-12, err_msg=f"trial {trial}")


def test_plan_releases_dead_intermediates():
    g = trace_graph(lambda x: ((x + 1) * 2).exp().sum(), ug.randn(100))
    plan = Plan(g)
    released = [s for step in plan.steps for s in step[3]]
    assert len(released) >= 3


@pytest.fixture
def cpu_fusion(monkeypatch):
    pytest.importorskip("numexpr")  # installed by the test extras (CI); CPU fusion needs it
    from unigrad.graph import fusion
    monkeypatch.setattr(fusion, "CPU_FUSION", True)


def test_cpu_fusion_is_off_by_default():
    from unigrad.graph.fusion import elementwise_fusion
    g = trace_graph(lambda a: (a * 2.0).exp() + 1.0, ug.randn(300, 300))
    assert elementwise_fusion(g) == 0


def test_elementwise_fusion_builds_one_kernel_and_matches(cpu_fusion):
    from unigrad.graph.fusion import elementwise_fusion
    x, y = ug.randn(256, 256), ug.randn(256, 256)
    g = trace_graph(lambda a, b: ((a * b + a).tanh() * 2.0).relu() - b, x, y)
    passes.optimize(g, fuse=False)
    n_before = len(g.nodes)
    removed = elementwise_fusion(g)
    assert removed == n_before - 1 and len(g.nodes) == 1 and "tanh" in g.nodes[0].name
    expected = np.maximum(np.tanh(x.numpy() * y.numpy() + x.numpy()) * 2.0, 0) - y.numpy()
    np.testing.assert_allclose(_run(g, x, y), expected, rtol=1e-5, atol=1e-6)
    assert _run(g, x, y).dtype == np.float32


def test_fusion_skips_small_arrays_and_keeps_shared_values(cpu_fusion):
    from unigrad.graph.fusion import elementwise_fusion
    small = trace_graph(lambda a: (a * 2.0).exp() + 1.0, ug.randn(8))
    assert elementwise_fusion(small) == 0
    big = ug.randn(300, 200)

    def shared(a):
        h = a.exp()
        return h * 2.0 + h.sum()  # h feeds a reduction too, so it must stay materialised
    g = trace_graph(shared, big)
    elementwise_fusion(g)
    assert any(n.name == "exp" for n in g.nodes)
    np.testing.assert_allclose(_run(g, big), shared(big).numpy(), rtol=1e-5)


def test_saved_fused_graph_round_trips(tmp_path, cpu_fusion):
    m = ug.nn.Sequential(ug.nn.Linear(256, 256), ug.nn.Tanh(), ug.nn.Linear(256, 256))
    x = ug.randn(256, 256)
    f = ug.jit.trace(lambda a: m(a) * 2.0 + 1.0, (x,))
    assert f.last_report["elementwise_fusion"] >= 1
    ug.jit.save(f, tmp_path / "g.safetensors")
    with ug.no_grad():
        np.testing.assert_allclose(ug.jit.load(tmp_path / "g.safetensors")(x).numpy(), f(x).numpy(), rtol=1e-6)


def test_fused_kernels_on_cuda_match_eager():
    if not ug.cuda.is_available():
        pytest.skip("needs a CUDA device")
    x = ug.randn(64, 500, device="cuda")
    b = ug.randn(500, device="cuda")
    f = ug.jit(lambda a, c: ((a + c).relu() * 2.0).tanh() - a)
    first = f(x, b)
    assert f.last_report["elementwise_fusion"] >= 1
    expected = (((x + b).relu() * 2.0).tanh() - x).cpu().numpy()
    np.testing.assert_allclose(f(x, b).cpu().numpy(), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(first.cpu().numpy(), expected, rtol=1e-5, atol=1e-6)


def test_channel_add_moves_after_max_pooling_with_identical_results():
    ug.manual_seed(0)
    m = ug.nn.Sequential(ug.nn.Conv2d(2, 3, 3), ug.nn.MaxPool2d(2), ug.nn.Conv2d(3, 4, 3), ug.nn.MaxPool2d(2))
    x = ug.randn(2, 2, 14, 14)
    with ug.no_grad():
        g = trace_graph(m, x)
        report = passes.optimize(g)
        want = m(x).numpy()
    assert report["channel_add_after_max_pool"] == 2
    names = [n.name for n in g.nodes]
    pools = [i for i, n in enumerate(names) if n == "max_pool2d_values"]
    assert all(names[i + 2] == "add" for i in pools)  # bias reshape, then the add
    np.testing.assert_array_equal(_run(g, x), want)  # max(x + b) == max(x) + b exactly


def test_reshape_of_reshape_collapses():
    g = trace_graph(lambda x: x.reshape(6, 4).reshape(2, 12) * 2, ug.randn(2, 3, 4))
    passes.optimize(g)
    reshapes = [n for n in g.nodes if n.name == "reshape"]
    assert len(reshapes) == 1 and reshapes[0].inputs[0] is g.placeholders[0]


def test_cross_entropy_and_its_gradient_share_one_node():
    ug.manual_seed(0)
    m = ug.nn.Linear(6, 4)
    compiled = ug.jit(train_step(m, ug.optim.SGD(m.parameters(), lr=0.1)))
    x, y = ug.randn(5, 6), ug.tensor(np.array([0, 3, 1, 1, 2]))
    compiled(x, y)
    names = [n.name for n in compiled.graph.nodes]
    assert "cross_entropy_index_with_grad" in names
    assert "cross_entropy_index" not in names and "cross_entropy_index_grad" not in names
    twin = ug.nn.Linear(6, 4)
    twin.load_state_dict(m.state_dict())
    expected = ug.nn.functional.cross_entropy(twin(x), y)
    expected.backward()
    before = m.weight.detach().numpy().copy()
    loss = compiled(x, y)
    assert loss.item() == pytest.approx(expected.item(), rel=1e-6)
    np.testing.assert_allclose(m.weight.grad.numpy(), twin.weight.grad.numpy(), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(m.weight.detach().numpy(), before - 0.1 * twin.weight.grad.numpy(), rtol=1e-5)


def test_an_op_fuses_as_its_fields_say(cpu_fusion):
    """hardswish is one file; its `compiled.fusion` template puts it in fused kernels."""
    from unigrad.graph.fusion import elementwise_fusion
    x = ug.randn(256, 256) * 4
    g = trace_graph(lambda a: ug.hardswish(a * 2.0) + 1.0, x)
    passes.optimize(g, fuse=False)
    assert elementwise_fusion(g) == 2 and len(g.nodes) == 1
    a = x.numpy() * 2.0
    expected = a * np.clip(a + 3, 0, 6) / 6 + 1.0
    np.testing.assert_allclose(_run(g, x), expected, rtol=1e-5, atol=1e-5)
