"""The executor's memory plan: pooled out= buffers shared by values whose lifetimes do not
overlap, never holding what a run hands back, safe under concurrent runs."""
import threading

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import unigrad as ug
from unigrad.graph.executor import Plan

from .helpers import trace_graph, train_step


def _chain(x, w):
    for _ in range(6):
        x = (x @ w).tanh() * 0.5 + x  # values of one shape, each dead two nodes later
    return x.sum()


def test_values_with_disjoint_lifetimes_share_buffers():
    x, w = ug.randn(32, 64), ug.randn(64, 64)
    g = trace_graph(_chain, x, w, optimize=True)
    plan = Plan(g)
    one = 32 * 64 * 4
    produced = sum(1 for n in g.nodes if n.outputs[0].shape == (32, 64))
    assert produced >= 18 and plan.pool_bytes <= 3 * one  # a handful of buffers serve them all
    np.testing.assert_allclose(plan.run([x._data, w._data])[0], _chain(x, w).numpy(), rtol=1e-5)


def test_outputs_and_their_views_never_live_in_pooled_memory():
    def f(a, w):
        y = a @ w            # pooled candidate, but its view is returned
        z = (a @ w).exp()    # an output computed in place over a matmul result
        return y.reshape(-1), z, (y * 2).sum()
    a, w = ug.randn(8, 16), ug.randn(16, 4)
    plan = Plan(trace_graph(f, a, w, optimize=True))
    first = plan.run([a._data, w._data])
    kept = [o.copy() for o in first]
    plan.run([np.ones((8, 16), np.float32), np.ones((16, 4), np.float32)])  # a second run
    for got, want in zip(first, kept):
        np.testing.assert_array_equal(got, want)
    expected = f(a, w)
    for got, want in zip(first, expected):
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-5)


def test_concurrent_runs_do_not_share_buffers():
    x, w = ug.randn(32, 64), ug.randn(64, 64)
    plan = Plan(trace_graph(_chain, x, w, optimize=True))
    rng = np.random.default_rng(0)
    inputs = [rng.standard_normal((32, 64)).astype(np.float32) for _ in range(8)]
    expected = [_chain(ug.tensor(i), w).item() for i in inputs]
    results = {}

    def worker(k):
        for _ in range(20):
            results.setdefault(k, []).append(plan.run([inputs[k], w._data])[0].item())
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k in range(8):
        np.testing.assert_allclose(results[k], [expected[k]] * 20, rtol=1e-5)


def test_pooled_and_unpooled_plans_agree_on_a_training_step():
    ug.manual_seed(0)
    nets = []
    for pool in (True, False):
        ug.manual_seed(0)
        m = ug.nn.Sequential(ug.nn.Conv2d(1, 4, 3), ug.nn.ReLU(), ug.nn.MaxPool2d(2), ug.nn.Flatten(),
                             ug.nn.Linear(4 * 4 * 4, 3))
        opt = ug.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)

        compiled = ug.jit(train_step(m, opt))
        nets.append((m, compiled, pool))
    x = ug.randn(5, 1, 10, 10)
    y = ug.tensor(np.array([0, 1, 2, 1, 0]))
    losses = []
    for m, compiled, pool in nets:
        compiled(x, y)
        entry = next(iter(compiled.cache.values()))
        plan = Plan(entry[0].graph, pool_buffers=pool)
        compiled.cache = {k: (plan,) + e[1:] for k, e in compiled.cache.items()}
        compiled.fast_cache = {}
        losses.append([compiled(x, y).item() for _ in range(5)])
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-6)
    assert losses[0][-1] < losses[0][0]
    for p, q in zip(nets[0][0].parameters(), nets[1][0].parameters()):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-6, atol=1e-7)


def test_pooled_max_pool_kernel_matches_the_op_for_any_memory_layout():
    from unigrad.ops.conv.max_pool2d_windows import max_values_into_kernel
    from unigrad.ops.conv.pool_windows import argmax_ref as _argmax_ref
    rng = np.random.default_rng(3)
    geo = dict(kernel=(2, 3), stride=(2, 3), pads=(0, 0, 0, 0), dilation=(1, 1))
    out = np.empty((1, 4, 3, 2), np.float32)
    kernel = max_values_into_kernel((1, 4, 6, 6), np.float32, out, **geo)
    contiguous = rng.standard_normal((1, 4, 6, 6)).astype(np.float32)
    strided = rng.standard_normal((1, 4, 6, 12)).astype(np.float32)[..., ::2]  # takes the general path
    for x in (contiguous, strided):
        np.testing.assert_array_equal(kernel(x), _argmax_ref(np, x, **geo)[0])
    assert max_values_into_kernel((2, 4, 6, 6), np.float32, None, **geo) is None  # batch 1 only


def test_compiled_batch1_convnet_matches_eager():
    ug.manual_seed(2)
    m = ug.nn.Sequential(ug.nn.Conv2d(1, 6, 5), ug.nn.MaxPool2d(2), ug.nn.Conv2d(6, 8, 3, padding=1),
                         ug.nn.MaxPool2d(2), ug.nn.Flatten(), ug.nn.Linear(8 * 3 * 3, 4)).eval()
    x = ug.randn(1, 1, 16, 16)
    compiled = ug.jit.trace(m, (x,))
    with ug.no_grad():
        for _ in range(3):
            x = ug.randn(1, 1, 16, 16)
            np.testing.assert_allclose(compiled(x).numpy(), m(x).numpy(), rtol=1e-5, atol=1e-6)
    plan = next(iter(compiled.cache.values()))[0]
    assert plan.pool_bytes > 0


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["linear", "relu", "tanh", "skip", "scale", "square"]), min_size=1, max_size=8),
       st.integers(1, 6), st.integers(0, 2**16))
def test_random_networks_compiled_with_buffers_match_eager(layers, batch, seed):
    """Random stacks of layers, compiled (in-place reuse, pooled buffers, generated code) and
    run twice, give eager's outputs and gradients; the first run's outputs survive the second."""
    rng = np.random.default_rng(seed)
    ug.manual_seed(seed)
    linears = [ug.nn.Linear(6, 6) for _ in layers]

    def net(x):
        h = x
        for kind, lin in zip(layers, linears):
            if kind == "linear":
                h = lin(h)
            elif kind == "relu":
                h = h.relu()
            elif kind == "tanh":
                h = h.tanh()
            elif kind == "skip":
                h = h + lin(h)
            elif kind == "scale":
                h = 0.5 * h
            else:
                h = h * h
        return h, (h * h).sum()
    compiled = ug.jit(net)
    inputs = [ug.tensor(rng.standard_normal((batch, 6)).astype(np.float32)) for _ in range(2)]
    with ug.no_grad():
        first = [t.numpy().copy() for t in compiled(inputs[0])]
        kept = compiled(inputs[0])
        compiled(inputs[1])
        for got, want_t, again in zip(first, net(inputs[0]), kept):
            np.testing.assert_allclose(got, want_t.numpy(), rtol=1e-5, atol=1e-5)
            np.testing.assert_array_equal(again.numpy(), got)
    x = inputs[1].detach().requires_grad_(True)
    compiled(x)[1].backward()
    x_eager = inputs[1].detach().requires_grad_(True)
    net(x_eager)[1].backward()
    np.testing.assert_allclose(x.grad.numpy(), x_eager.grad.numpy(), rtol=1e-4, atol=1e-5)
