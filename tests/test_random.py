"""ug.Generator and the random ops: seeding, state, generators in eager code, data loading and
compiled graphs (random draws are registry ops, so graphs record them like any op)."""
import numpy as np
import pytest

import unigrad as ug


def test_generator_manual_seed_restarts_its_stream():
    g = ug.Generator().manual_seed(7)
    first = ug.rand(5, generator=g).numpy().copy()
    again = ug.rand(5, generator=g).numpy()
    assert not np.array_equal(first, again)
    g.manual_seed(7)
    np.testing.assert_array_equal(ug.rand(5, generator=g).numpy(), first)
    assert g.initial_seed() == 7
    # the CPU stream is NumPy's PCG64 from the same seed
    np.testing.assert_array_equal(first, np.random.default_rng(7).random(5, dtype=np.float32))


def test_generator_get_and_set_state_resume_the_stream():
    g = ug.Generator().manual_seed(1)
    ug.randn(10, generator=g)
    state = g.get_state()
    assert state.dtype is ug.uint8 and tuple(state.shape) == (48,)
    a = ug.randn(4, generator=g).numpy().copy()
    b = ug.randint(0, 100, (6,), generator=g).numpy().copy()
    g.set_state(state)
    np.testing.assert_array_equal(ug.randn(4, generator=g).numpy(), a)
    np.testing.assert_array_equal(ug.randint(0, 100, (6,), generator=g).numpy(), b)
    with pytest.raises(ug.InvalidArgumentError, match="48-byte"):
        g.set_state(ug.zeros(3, dtype=ug.uint8))


def test_generators_are_independent_of_the_default_one():
    ug.manual_seed(3)
    g = ug.Generator().manual_seed(3)
    a = ug.rand(4)  # the default generator, seeded alike
    b = ug.rand(4, generator=g)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    ug.rand(100)  # draws from the default stream do not move g
    g2 = ug.Generator().manual_seed(3)
    ug.rand(4, generator=g2)
    np.testing.assert_array_equal(ug.rand(3, generator=g).numpy(), ug.rand(3, generator=g2).numpy())


def test_manual_seed_reseeds_the_default_generator_and_seed_is_fresh():
    ug.manual_seed(11)
    a = ug.randn(3).numpy().copy()
    assert ug.initial_seed() == 11
    ug.manual_seed(11)
    np.testing.assert_array_equal(ug.randn(3).numpy(), a)
    assert ug.default_generator.initial_seed() == 11
    s = ug.seed()
    assert ug.initial_seed() == s and s != 11
    state = ug.get_rng_state()
    x = ug.rand(2).numpy().copy()
    ug.set_rng_state(state)
    np.testing.assert_array_equal(ug.rand(2).numpy(), x)


def test_every_random_function_takes_a_generator():
    g = ug.Generator()
    x = ug.zeros(200, 3)
    for draw in (lambda: ug.rand(200, 3, generator=g), lambda: ug.randn(200, 3, generator=g),
                 lambda: ug.randint(0, 9, (200, 3), generator=g), lambda: ug.randperm(600, generator=g),
                 lambda: ug.rand_like(x, generator=g), lambda: ug.randn_like(x, generator=g),
                 lambda: ug.randint_like(x, 9, generator=g), lambda: ug.bernoulli(x + 0.5, generator=g)):
        g.manual_seed(5)
        first = draw().numpy().copy()
        g.manual_seed(5)
        np.testing.assert_array_equal(draw().numpy(), first)
    assert sorted(ug.randperm(50, generator=g).tolist()) == list(range(50))


def test_bad_generator_arguments_are_clear_errors():
    with pytest.raises(ug.InvalidTypeError, match="unigrad.Generator"):
        ug.rand(3, generator=np.random.default_rng(0))
    with pytest.raises(ug.InvalidTypeError, match="int seed"):
        ug.Generator().manual_seed("seven")
    with pytest.raises(ug.InvalidArgumentError, match="empty"):
        ug.randint(5, 5, (2,))
    with pytest.raises(ug.InvalidArgumentError, match=r"\[0, 1\]"):
        ug.bernoulli(ug.zeros(3), p=1.5)


def test_dataloader_shuffles_from_the_generator_it_is_given():
    ds = ug.data.TensorDataset(ug.arange(20.0), ug.arange(20))
    g = ug.Generator().manual_seed(4)
    a = [y.tolist() for _, y in ug.data.DataLoader(ds, batch_size=5, shuffle=True, generator=g)]
    g.manual_seed(4)
    b = [y.tolist() for _, y in ug.data.DataLoader(ds, batch_size=5, shuffle=True, generator=g)]
    assert a == b and sorted(sum(a, [])) == list(range(20))
    assert sum(a, []) == np.random.default_rng(4).permutation(20).tolist()


def test_compiled_graphs_record_random_draws_and_draw_anew_each_run():
    f = ug.jit(lambda x: x + ug.randn(4))
    x = ug.zeros(4)
    ug.manual_seed(0)
    eager = [(x + ug.randn(4)).numpy().copy() for _ in range(3)]
    ug.manual_seed(0)
    compiled = [f(x).numpy().copy() for _ in range(3)]  # the first call traces, the others run the graph
    for e, c in zip(eager, compiled):
        np.testing.assert_array_equal(c, e)
    assert any(n.op.name == "randn" and n.op.random for n in f.graph.nodes)


def test_compiled_dropout_draws_a_new_mask_each_step_and_saves():
    m = ug.nn.Sequential(ug.nn.Linear(8, 8), ug.nn.Dropout(0.5))
    with ug.no_grad():
        traced = ug.jit.trace(m, (ug.ones(4, 8),))
        masks = {tuple((traced(ug.ones(4, 8)).numpy() == 0).reshape(-1)) for _ in range(4)}
    assert len(masks) > 1
    assert [n.op.name for n in traced.graph.nodes if n.op.random] == ["bernoulli"]


def test_a_graph_drawing_from_a_users_generator_cannot_be_saved(tmp_path):
    g = ug.Generator()
    f = ug.jit.trace(lambda x: x * ug.rand(3, generator=g), (ug.ones(3),))
    with pytest.raises(ug.DataError, match="Generator of its own"):
        ug.jit.save(f, tmp_path / "g.safetensors")
    ok = ug.jit.trace(lambda x: x * ug.rand(3), (ug.ones(3),))
    ug.jit.save(ok, tmp_path / "ok.safetensors")
    loaded = ug.jit.load(tmp_path / "ok.safetensors")
    ug.manual_seed(9)
    a = loaded(ug.ones(3)).numpy().copy()
    ug.manual_seed(9)
    np.testing.assert_array_equal(loaded(ug.ones(3)).numpy(), a)
