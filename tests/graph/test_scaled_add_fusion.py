"""scaled_add_fusion: b*y + a*x forms become one axpby node, run in place by the memory plan."""
import numpy as np
import pytest

import unigrad as ug
from unigrad.graph import passes
from unigrad.graph.executor import Plan
from unigrad.graph.memory_plan import InPlace
from unigrad.graph.scaled_add_fusion import scaled_add_fusion

from .helpers import trace_graph, train_step

N = 5000  # above cblas.MIN_SIZE, so the BLAS routine runs where it exists


def _data(seed, n=N):
    return ug.tensor(np.random.default_rng(seed).standard_normal(n).astype(np.float32))


@pytest.mark.parametrize("fn,alpha,beta", [
    (lambda y, x: y * 0.9 + x, 1.0, 0.9),          # momentum buffer
    (lambda y, x: x + 0.9 * y, 0.9, 1.0),          # mirrored: y is the plain operand
    (lambda y, x: y - 0.01 * x, -0.01, 1.0),        # SGD step
    (lambda y, x: y * 0.5 - x * 2.0, -2.0, 0.5),    # both scaled
    (lambda y, x: y * 0.5 - x, -1.0, 0.5),
])
def test_forms_fuse_to_one_axpby_with_the_same_result(fn, alpha, beta):
    y, x = _data(0), _data(1)
    g = trace_graph(fn, y, x)
    assert scaled_add_fusion(g) == 1
    (node,) = g.nodes
    assert node.name == "axpby"
    scales = [float(g.constants[v]) for v in node.inputs[2:]]
    assert scales == pytest.approx([alpha, beta])
    got = Plan(g).run([y._data, x._data])[0]
    np.testing.assert_allclose(got, fn(y, x).numpy(), rtol=1e-6, atol=1e-6)


def test_products_read_elsewhere_or_broadcast_are_left_alone():
    y, x = _data(0), _data(1)
    def shared_product(y, x):
        p = y * 0.9
        return p + x, p  # the product is also an output
    shared = trace_graph(shared_product, y, x)
    assert scaled_add_fusion(shared) == 0
    row = ug.randn(1, N)
    broadcast = trace_graph(lambda y, x: y * 0.9 + x, ug.randn(3, N), row)
    assert scaled_add_fusion(broadcast) == 0
    plain = trace_graph(lambda y, x: y + x, y, x)
    assert scaled_add_fusion(plain) == 0
    by_tensor = trace_graph(lambda y, x: y * x + x, y, x)  # the scale is not a scalar constant
    assert scaled_add_fusion(by_tensor) == 0


def test_compiled_sgd_updates_are_axpby_in_place_over_the_weights():
    ug.manual_seed(0)
    m = ug.nn.Linear(100, 60)
    opt = ug.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)

    def step(x):
        loss = (m(x) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss
    compiled = ug.jit(step)
    x = ug.randn(8, 100)
    compiled(x)
    graph = compiled.graph
    updates = [n for n in graph.nodes if n.name == "axpby"]
    assert len(updates) == 4  # momentum buffer and weight, for W and b
    assert not any(n.name in ("mul", "sub") for n in graph.nodes if n.outputs[0].shape == (60, 100))
    plan = next(iter(compiled.cache.values()))[0]
    in_place = [s for s in plan.steps if s[4].name == "axpby" and isinstance(s[0], InPlace)]
    assert len(in_place) == 4
    assert plan.effect_slots == []  # every update was computed inside the tensor it updates


def test_compiled_momentum_training_matches_eager_over_many_steps():
    def setup():
        ug.manual_seed(3)
        m = ug.nn.Sequential(ug.nn.Linear(80, 70), ug.nn.ReLU(), ug.nn.Linear(70, 5))
        return m, ug.optim.SGD(m.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-4)
    rng = np.random.default_rng(4)
    batches = [(ug.tensor(rng.standard_normal((16, 80)).astype(np.float32)), ug.tensor(rng.integers(0, 5, 16)))
               for _ in range(8)]
    results = []
    for compile_it in (False, True):
        m, opt = setup()
        step = train_step(m, opt)
        run = ug.jit(step) if compile_it else step
        losses = [run(x, y).item() for x, y in batches]
        results.append((losses, [p.detach().numpy().copy() for p in m.parameters()]))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-5)
    for a, b in zip(results[0][1], results[1][1]):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-6)


def test_default_passes_include_the_fusion():
    assert scaled_add_fusion in passes.DEFAULT_PASSES
