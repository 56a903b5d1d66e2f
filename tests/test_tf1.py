"""The TF1 front door: graphs, sessions, feeds, gradients, optimizers with TF1's formulas."""
import numpy as np
import pytest
import torch

import unigrad as ug
import unigrad.compat.v1 as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()


def test_linear_regression_converges():
    rng = np.random.default_rng(0)
    xs = rng.random(100).astype(np.float32)
    ys = xs * 0.1 + 0.3
    X, label = tf.placeholder(tf.float32, [None]), tf.placeholder(tf.float32, [None])
    W = tf.Variable(tf.random_uniform([1], -1.0, 1.0))
    b = tf.Variable(tf.zeros([1]))
    loss = tf.reduce_mean(tf.square(W * X + b - label))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    for _ in range(300):
        sess.run(train, feed_dict={X: xs, label: ys})
    w, bb = sess.run([W, b])
    assert w[0] == pytest.approx(0.1, abs=1e-3) and bb[0] == pytest.approx(0.3, abs=1e-3)


def test_nested_fetches_and_operations_give_none():
    a = tf.constant(2.0)
    b = tf.constant([1.0, 2.0])
    v = tf.Variable(tf.zeros([2]))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run({"x": [a, (b, a * 3)], "op": v.assign_add(b)})
    assert out["x"][0] == 2.0 and out["x"][1][0].tolist() == [1.0, 2.0] and out["x"][1][1] == 6.0
    assert out["op"].tolist() == [1.0, 2.0]


def test_feed_errors_name_the_placeholder():
    x = tf.placeholder(tf.float32, [None, 3], name="images")
    y = tf.reduce_sum(x)
    sess = tf.Session()
    with pytest.raises(ug.InvalidArgumentError, match=r"Cannot feed value of shape \(2, 4\) for Tensor 'images:0', which has shape \[\?,3\]"):
        sess.run(y, {x: np.zeros((2, 4))})
    with pytest.raises(ug.InvalidArgumentError, match="You must feed a value for placeholder tensor 'images'"):
        sess.run(y)
    n = tf.placeholder(tf.int32, [2], name="counts")
    with pytest.raises(ug.InvalidArgumentError, match="integer dtype int32"):
        sess.run(n * 2, {n: np.array([1.5, 2.0])})


def test_uninitialized_variable_is_clear_error():
    v = tf.Variable(tf.zeros([2]), name="weights")
    with pytest.raises(tf.FailedPreconditionError, match="uninitialized value weights"):
        tf.Session().run(v)


def test_gradients_match_torch_and_unconnected_is_none():
    x = tf.placeholder(tf.float64, [3])
    w = tf.Variable(tf.constant([0.5, -1.0, 2.0], dtype=tf.float64))
    y = tf.reduce_sum(tf.tanh(x * w) ** 2)
    gx, gw, gz = tf.gradients(y, [x, w, tf.constant(1.0)])
    assert gz is not None
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    xv = np.array([0.3, -0.2, 0.1])
    got_x, got_w, got_z = sess.run([gx, gw, gz], {x: xv})
    tx = torch.tensor(xv, requires_grad=True)
    tw = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64, requires_grad=True)
    (torch.tanh(tx * tw) ** 2).sum().backward()
    np.testing.assert_allclose(got_x, tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(got_w, tw.grad.numpy(), rtol=1e-12)
    assert got_z is None


def test_names_and_scopes():
    with tf.name_scope("layer1"):
        a = tf.constant(1.0, name="w")
        b = tf.constant(1.0, name="w")
    assert a.name == "layer1/w" and b.name == "layer1/w_1"
    g = tf.Graph()
    with g.as_default():
        assert tf.get_default_graph() is g
        c = tf.constant(3.0)
    assert c.graph is g and tf.get_default_graph() is not g


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_conv2d_and_pools_match_tf_semantics(data_format, padding):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 7, 8, 3))  # NHWC
    k = rng.standard_normal((3, 2, 3, 4))  # HWIO
    inp = x if data_format == "NHWC" else x.transpose(0, 3, 1, 2)
    strides = [1, 2, 2, 1] if data_format == "NHWC" else [1, 1, 2, 2]
    ksize = [1, 2, 2, 1] if data_format == "NHWC" else [1, 1, 2, 2]
    conv = tf.nn.conv2d(tf.constant(inp, tf.float64), tf.constant(k, tf.float64), strides, padding, data_format=data_format)
    pool = tf.nn.max_pool(tf.constant(inp, tf.float64), ksize, strides, padding, data_format=data_format)
    got_conv, got_pool = tf.Session().run([conv, pool])
    # reference: pad as TF does (SAME puts the odd pixel at the end), then a VALID cross-correlation
    def same(size, kk, s):
        out = -(-size // s)
        total = max((out - 1) * s + kk - size, 0)
        return total // 2, total - total // 2
    tx = torch.tensor(x.transpose(0, 3, 1, 2))
    if padding == "SAME":
        (t, bt), (l, r) = same(7, 3, 2), same(8, 2, 2)
        tx_c = torch.nn.functional.pad(tx, (l, r, t, bt))
        (t, bt), (l, r) = same(7, 2, 2), same(8, 2, 2)
        tx_p = torch.nn.functional.pad(tx, (l, r, t, bt), value=float("-inf"))
    else:
        tx_c = tx_p = tx
    ref_conv = torch.nn.functional.conv2d(tx_c, torch.tensor(k.transpose(3, 2, 0, 1)), stride=2).numpy()
    ref_pool = torch.nn.functional.max_pool2d(tx_p, 2, 2).numpy()
    if data_format == "NHWC":
        ref_conv, ref_pool = ref_conv.transpose(0, 2, 3, 1), ref_pool.transpose(0, 2, 3, 1)
    np.testing.assert_allclose(got_conv, ref_conv, rtol=1e-10)
    np.testing.assert_allclose(got_pool, ref_pool, rtol=1e-12)


def _tf1_reference(name, steps, g_of, w0, **kw):
    """TF1's update formulas in NumPy."""
    w = w0.copy()
    s = {"m": 0 * w, "v": 0 * w, "acc": 0 * w, "ms": np.ones_like(w), "mom": 0 * w, "ada": np.full_like(w, 0.1)}
    for t in range(1, steps + 1):
        g = g_of(w)
        if name == "GradientDescentOptimizer":
            w -= kw["learning_rate"] * g
        elif name == "MomentumOptimizer":
            s["acc"] = kw["momentum"] * s["acc"] + g
            w -= kw["learning_rate"] * s["acc"]
        elif name == "AdamOptimizer":
            s["m"] = 0.9 * s["m"] + 0.1 * g
            s["v"] = 0.999 * s["v"] + 0.001 * g * g
            lr_t = kw["learning_rate"] * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
            w -= lr_t * s["m"] / (np.sqrt(s["v"]) + 1e-8)
        elif name == "RMSPropOptimizer":
            s["ms"] = 0.9 * s["ms"] + 0.1 * g * g
            s["mom"] = kw.get("momentum", 0.0) * s["mom"] + kw["learning_rate"] * g / np.sqrt(s["ms"] + 1e-10)
            w -= s["mom"]
        elif name == "AdagradOptimizer":
            s["ada"] += g * g
            w -= kw["learning_rate"] * g / np.sqrt(s["ada"])
    return w


@pytest.mark.parametrize("name,kw", [("GradientDescentOptimizer", dict(learning_rate=0.1)),
                                     ("MomentumOptimizer", dict(learning_rate=0.05, momentum=0.9)),
                                     ("AdamOptimizer", dict(learning_rate=0.05)),
                                     ("RMSPropOptimizer", dict(learning_rate=0.01, momentum=0.5)),
                                     ("AdagradOptimizer", dict(learning_rate=0.2))])
def test_optimizers_follow_tf1_formulas(name, kw):
    target = np.array([1.0, -2.0, 0.5])
    w0 = np.array([0.3, 0.1, -0.4])
    w = tf.Variable(tf.constant(w0, dtype=tf.float64))
    loss = tf.reduce_sum(tf.square(w - tf.constant(target, dtype=tf.float64)))
    train = getattr(tf.train, name)(**kw).minimize(loss)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    for _ in range(30):
        sess.run(train)
    expected = _tf1_reference(name, 30, lambda v: 2 * (v - target), w0, **kw)
    np.testing.assert_allclose(sess.run(w), expected, rtol=1e-10)


def test_softmax_cross_entropy_with_logits():
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
    labels = np.array([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]])
    loss = tf.nn.softmax_cross_entropy_with_logits(labels=tf.constant(labels, tf.float64),
                                                   logits=tf.constant(logits, tf.float64))
    got = tf.Session().run(loss)
    logp = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    np.testing.assert_allclose(got, -(labels * logp).sum(1), rtol=1e-12)


def test_session_compiles_repeated_runs():
    x = tf.placeholder(tf.float32, [None])
    y = tf.reduce_sum(x * 2.0)
    sess = tf.Session()
    assert sess.run(y, {x: [1.0, 2.0]}) == 6.0
    assert sess.run(y, {x: [1.0, 2.0, 3.0]}) == 12.0
    compiled = next(iter(sess.compiled.values()))
    assert len(compiled.cache) == 2  # one graph per feed shape


def test_more_tf_ops_match_numpy():
    x = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    t = tf.constant(x)
    outs = tf.Session().run([tf.expand_dims(t, 0), tf.one_hot(tf.constant([0, 2]), 3), tf.gather(t, tf.constant([1])),
                             tf.tile(t, [1, 2]), tf.slice(t, [0, 1], [2, 1]), tf.reduce_any(t > 3.0),
                             tf.squeeze(tf.expand_dims(t, 0)), tf.argmin(t, 1), tf.split(t, 2, axis=0)])
    np.testing.assert_array_equal(outs[0], x[None])
    np.testing.assert_array_equal(outs[1], np.eye(3, dtype=np.float32)[[0, 2]])
    np.testing.assert_array_equal(outs[2], x[[1]])
    np.testing.assert_array_equal(outs[3], np.tile(x, (1, 2)))
    np.testing.assert_array_equal(outs[4], x[:, 1:2])
    assert outs[5] == True  # noqa: E712
    np.testing.assert_array_equal(outs[6], x)
    np.testing.assert_array_equal(outs[7], [0, 0])
    np.testing.assert_array_equal(outs[8][1], x[1:])


def test_variable_scopes_share_variables_and_saver_restores(tmp_path):
    with tf.variable_scope("dense"):
        w = tf.get_variable("kernel", [3, 2])
    with tf.variable_scope("dense", reuse=True):
        assert tf.get_variable("kernel") is w
    with pytest.raises(ug.InvalidArgumentError, match="already exists"):
        with tf.variable_scope("dense"):
            tf.get_variable("kernel", [3, 2])
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    saved = sess.run(w)
    path = tf.train.Saver().save(sess, str(tmp_path / "model.ckpt"))
    sess.run(w.assign(tf.zeros([3, 2])))
    tf.train.Saver().restore(sess, path)
    np.testing.assert_array_equal(sess.run(w), saved)


def test_layers_moments_and_string_feeds():
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    h = tf.layers.dense(x, 8, activation=tf.nn.relu)
    y = tf.layers.dense(h, 2)
    mean, var = tf.nn.moments(x, [0])
    bn = tf.nn.batch_normalization(x, mean, var, tf.constant(0.5), tf.constant(2.0), 1e-3)
    img = tf.placeholder(tf.float32, [None, 6, 6, 3])
    conv = tf.layers.conv2d(img, 5, 3, padding="same", activation=tf.nn.relu)
    assert conv.shape == (None, 6, 6, 5) and y.shape == (None, 2)
    assert [v.name for v in tf.trainable_variables()] == ["dense/kernel", "dense/bias", "dense_1/kernel",
                                                          "dense_1/bias", "conv2d/kernel", "conv2d/bias"]
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    xv = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    out_y, out_bn = sess.run([y, bn], {"x:0": xv})
    w1, b1, w2, b2 = sess.run(tf.trainable_variables()[:4])
    np.testing.assert_allclose(out_y, np.maximum(xv @ w1 + b1, 0) @ w2 + b2, rtol=1e-5, atol=1e-6)
    expected_bn = (xv - xv.mean(0)) / np.sqrt(xv.var(0) + 1e-3) * 2.0 + 0.5
    np.testing.assert_allclose(out_bn, expected_bn, rtol=1e-5, atol=1e-5)
    with pytest.raises(ug.InvalidArgumentError, match="no placeholder named 'nope:0'"):
        sess.run(y, {"nope:0": xv})


def test_session_generalises_over_batch_sizes_without_retracing():
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [None, 6])
    w = tf.Variable(np.arange(12, dtype=np.float32).reshape(6, 2) / 10)
    y = tf.reduce_sum(tf.nn.relu(tf.matmul(x, w)), axis=1)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    rng = np.random.default_rng(0)
    for batch in (2, 5, 3, 7, 1, 11):
        xs = rng.standard_normal((batch, 6)).astype(np.float32)
        want = np.maximum(xs @ (np.arange(12, dtype=np.float32).reshape(6, 2) / 10), 0).sum(1)
        np.testing.assert_allclose(sess.run(y, {x: xs}), want, rtol=1e-5)
    compiled = next(iter(sess.compiled.values()))
    family = next(iter(compiled.families.values()))
    assert family.verified and len(compiled.cache) == 6 and "B" in str(family.generic)


def test_global_step_counts_training_runs():
    """A 0-d, non-trainable variable updated by the compiled step (it was baked as a constant)."""
    x = tf.placeholder(tf.float32, [None])
    w = tf.Variable(tf.zeros([1]))
    step = tf.Variable(0, trainable=False)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_mean(tf.square(w * x - 1.0)), global_step=step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(7):
            sess.run(train, {x: np.ones(4, np.float32)})
        assert sess.run(step) == 7


def test_dropout_with_a_keep_prob_placeholder():
    x = tf.placeholder(tf.float32, [None, 1000])
    keep = tf.placeholder(tf.float32)
    y = tf.nn.dropout(x, keep)
    ones = np.ones((4, 1000), np.float32)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: ones, keep: 1.0}), ones)  # evaluation: identity
        dropped = sess.run(y, {x: ones, keep: 0.5})
        assert set(np.unique(dropped)) == {0.0, 2.0}  # kept values scaled by 1/keep
        assert 0.45 < (dropped == 0).mean() < 0.55


def test_initializers_follow_tf_variance_scaling():
    shape = [200, 300]
    limit = np.sqrt(6.0 / (200 + 300))
    tensors = {
        "glorot_uniform": tf.get_variable("gu", shape, initializer=tf.glorot_uniform_initializer()),
        "glorot_normal": tf.get_variable("gn", shape, initializer=tf.glorot_normal_initializer()),
        "he_normal": tf.get_variable("hn", shape, initializer=tf.he_normal_initializer()),
        "truncated": tf.get_variable("tn", shape, initializer=tf.truncated_normal_initializer(stddev=0.1)),
        "constant": tf.get_variable("c", [2, 3], initializer=tf.constant_initializer(0.25)),
        "default": tf.get_variable("d", shape),  # glorot uniform, as in TF1
    }
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        v = {k: sess.run(t) for k, t in tensors.items()}
    for name in ("glorot_uniform", "default"):
        assert np.abs(v[name]).max() <= limit and np.abs(v[name]).max() > 0.95 * limit
        assert np.std(v[name]) == pytest.approx(limit / np.sqrt(3), rel=0.05)
    assert np.std(v["glorot_normal"]) == pytest.approx(np.sqrt(2.0 / 500), rel=0.05)  # truncation corrected
    assert np.std(v["he_normal"]) == pytest.approx(np.sqrt(2.0 / 200), rel=0.05)
    assert np.abs(v["truncated"]).max() <= 0.2 and np.std(v["truncated"]) == pytest.approx(0.088, rel=0.05)
    np.testing.assert_array_equal(v["constant"], np.full((2, 3), 0.25, np.float32))
    with pytest.raises(ug.InvalidArgumentError, match="mode"):
        tf.variance_scaling_initializer(mode="fan_sideways")


def test_saver_into_a_missing_directory_is_a_clear_error(tmp_path):
    tf.Variable(tf.zeros([2]))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(ug.DataError, match="does not exist"):
            tf.train.Saver().save(sess, str(tmp_path / "missing" / "model.ckpt"))


def test_static_shapes_are_inferred_with_unknown_batch():
    x = tf.placeholder(tf.float32, [None, 28, 28, 1])
    labels = tf.placeholder(tf.int32, [None])
    conv = tf.nn.conv2d(x, tf.Variable(tf.zeros([5, 5, 1, 8])), [1, 1, 1, 1], "SAME")
    pooled = tf.nn.max_pool(conv, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    flat = tf.reshape(pooled, [-1, 14 * 14 * 8])
    hidden = tf.nn.relu(tf.matmul(flat, tf.Variable(tf.zeros([14 * 14 * 8, 32]))) + tf.Variable(tf.zeros([32])))
    logits = tf.matmul(hidden, tf.Variable(tf.zeros([32, 10])))
    shapes = {
        "pooled": pooled, "flat": flat, "hidden": hidden, "dropout": tf.nn.dropout(hidden, 0.5),
        "xent": tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits),
        "dense xent": tf.nn.softmax_cross_entropy_with_logits(labels=tf.one_hot(labels, 10), logits=logits),
        "mean": tf.reduce_mean(hidden, axis=1, keepdims=True), "argmax": tf.argmax(logits, 1),
        "concat": tf.concat([hidden, hidden], 1), "transpose": tf.transpose(hidden),
    }
    assert {k: t.get_shape().as_list() for k, t in shapes.items()} == {
        "pooled": [None, 14, 14, 8], "flat": [None, 1568], "hidden": [None, 32], "dropout": [None, 32],
        "xent": [None], "dense xent": [None], "mean": [None, 1], "argmax": [None], "concat": [None, 64],
        "transpose": [32, None]}
    with pytest.raises(ug.ShapeError, match="do not broadcast"):
        hidden + tf.zeros([7])


def test_interactive_session_eval_and_operation_run():
    x = tf.placeholder(tf.float32, [None])
    w = tf.Variable(tf.ones([1]))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(tf.reduce_sum(w * x))
    sess = tf.InteractiveSession()
    try:
        tf.global_variables_initializer().run()
        train.run(feed_dict={x: np.array([1.0, 1.0], np.float32)})  # dL/dw = 2: w = 1 - 0.5 * 2
        np.testing.assert_allclose(w.eval(), [0.0])
        np.testing.assert_allclose((w + 3.0).eval(), [3.0])
    finally:
        sess.close()
    with pytest.raises(ug.InvalidArgumentError, match="no default session"):
        w.eval()


def test_control_dependencies_group_and_no_op():
    counter = tf.Variable(0.0)
    bump = tf.assign_add(counter, 1.0)
    with tf.control_dependencies([bump]):
        after = tf.identity(counter) * 10.0  # runs after the bump
    both = tf.group(tf.assign_add(counter, 100.0), tf.no_op())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(after) == pytest.approx(10.0)
        assert sess.run(after) == pytest.approx(20.0)
        assert sess.run(both) is None
        assert sess.run(counter) == pytest.approx(102.0)


def test_exponential_decay_drives_the_optimizer_from_the_global_step():
    step = tf.train.get_or_create_global_step()
    assert tf.train.get_global_step() is step and tf.train.get_or_create_global_step() is step
    lr = tf.train.exponential_decay(0.1, step, decay_steps=2, decay_rate=0.5, staircase=True)
    w = tf.Variable(tf.zeros([1]))
    train = tf.train.GradientDescentOptimizer(lr).minimize(tf.reduce_sum(-w), global_step=step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        rates = []
        for _ in range(5):
            rates.append(float(sess.run(lr)))
            sess.run(train)
        # the gradient of -w is -1: each step adds the learning rate of that step
        np.testing.assert_allclose(rates, [0.1, 0.1, 0.05, 0.05, 0.025], rtol=1e-6)
        np.testing.assert_allclose(sess.run(w), [sum(rates)], rtol=1e-6)
        assert sess.run(step) == 5
        pw = tf.train.piecewise_constant(step, [2, 4], [1.0, 0.5, 0.1])
        assert sess.run(pw) == pytest.approx(0.1)


def test_clip_by_global_norm_follows_tf():
    a, b = tf.constant([3.0, 0.0]), tf.constant([[0.0, 4.0]])
    (ca, none, cb), norm = tf.clip_by_global_norm([a, None, b], 1.0)
    with tf.Session() as sess:
        assert none is None
        assert sess.run(norm) == pytest.approx(5.0)
        np.testing.assert_allclose(sess.run(ca), [0.6, 0.0], rtol=1e-6)
        np.testing.assert_allclose(sess.run(cb), [[0.0, 0.8]], rtol=1e-6)
        np.testing.assert_allclose(sess.run(tf.clip_by_norm(tf.constant([3.0, 4.0]), 10.0)), [3.0, 4.0])


def test_auto_reuse_collections_and_losses():
    def tower(x):
        with tf.variable_scope("tower", reuse=tf.AUTO_REUSE):
            return tf.layers.dense(x, 2, name="fc")
    x = tf.placeholder(tf.float32, [None, 3])
    first, second = tower(x), tower(x)
    assert len(tf.trainable_variables()) == 2  # kernel and bias, shared by both towers
    assert tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope="tower") == tf.trainable_variables()
    labels = tf.placeholder(tf.int32, [None])
    xent = tf.losses.sparse_softmax_cross_entropy(labels, first)
    mse = tf.losses.mean_squared_error(first, second)
    assert tf.losses.get_losses() == [xent, mse]
    feed = {x: np.ones((4, 3), np.float32), labels: np.array([0, 1, 1, 0], np.int32)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        logits, loss, zero = sess.run([first, xent, mse], feed)
        expected = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor([0, 1, 1, 0]))
        assert loss == pytest.approx(expected.item(), rel=1e-5)
        assert zero == pytest.approx(0.0)


def test_layers_pooling_flatten_dropout_and_small_ops():
    x = tf.placeholder(tf.float32, [None, 4, 4, 2])
    pooled = tf.layers.max_pooling2d(x, 2, 2)
    flat = tf.layers.flatten(pooled)
    assert flat.get_shape().as_list() == [None, 8]
    kept = tf.layers.dropout(flat, rate=0.5, training=False)
    data = np.arange(64, dtype=np.float32).reshape(2, 4, 4, 2)
    v = tf.constant([[1.0, 0.0, 2.0], [0.0, 0.0, 3.0]])
    with tf.Session() as sess:
        out = sess.run(kept, {x: data})
        np.testing.assert_array_equal(out, data.reshape(2, 2, 2, 2, 2, 2).max(axis=(2, 4)).reshape(2, 8))
        assert sess.run(tf.count_nonzero(v)) == 3
        np.testing.assert_array_equal(sess.run(tf.count_nonzero(v, axis=1)), [2, 1])
        assert sess.run(tf.size(v)) == 6 and sess.run(tf.rank(v)) == 2
        np.testing.assert_array_equal(sess.run(tf.range(1, 7, 2)), [1, 3, 5])
        np.testing.assert_allclose(sess.run(tf.reduce_logsumexp(v, axis=1)),
                                   np.log(np.exp([[1.0, 0.0, 2.0], [0.0, 0.0, 3.0]]).sum(1)), rtol=1e-6)
        np.testing.assert_array_equal(sess.run(tf.logical_and(v > 0.5, v < 2.5)), [[True, False, True],
                                                                                  [False, False, False]])
        np.testing.assert_array_equal(sess.run(tf.nn.relu6(tf.constant([-1.0, 3.0, 9.0]))), [0.0, 3.0, 6.0])
        np.testing.assert_allclose(sess.run(tf.math.log(tf.constant([1.0, np.e]))), [0.0, 1.0], rtol=1e-6)
        w = tf.Variable(tf.ones([2]))
        sess.run(w.initializer)
        np.testing.assert_array_equal(sess.run(tf.assign_sub(w, [0.5, 1.0])), [0.5, 0.0])


def test_cond_decides_when_the_graph_runs():
    x = tf.placeholder(tf.float32, [None])
    training = tf.placeholder(tf.bool, [])
    w = tf.Variable(tf.constant([2.0]))
    y = tf.cond(training, lambda: x * w, lambda: x - 1.0)
    pair = tf.cond(training, lambda: (x, w * 3.0), lambda: (x * 0.0, w))  # an outside tensor, two outputs
    (grad,) = tf.gradients(tf.reduce_sum(y), [w])
    data = np.array([1.0, 2.0], np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for flag in (True, False, True, False):  # repeated: the compiled graph keeps both branches
            expected = data * 2.0 if flag else data - 1.0
            np.testing.assert_allclose(sess.run(y, {x: data, training: flag}), expected)
            first, second = sess.run(pair, {x: data, training: flag})
            np.testing.assert_allclose(first, data if flag else 0 * data)
            np.testing.assert_allclose(second, [6.0] if flag else [2.0])
        np.testing.assert_allclose(sess.run(grad, {x: data, training: True}), [3.0])  # d sum(x * w) / dw
        np.testing.assert_allclose(sess.run(grad, {x: data, training: False}), [0.0])
    with pytest.raises(ug.InvalidArgumentError, match="return 1 and 2 values"):
        tf.cond(training, lambda: x, lambda: (x, x))


def test_while_loop_runs_the_fed_number_of_iterations():
    x = tf.placeholder(tf.float32, [2])
    limit = tf.placeholder(tf.int32, [])
    i, acc = tf.while_loop(lambda i, a: i < limit, lambda i, a: (i + 1, a * 2.0 + x), [tf.constant(0), tf.zeros([2])])
    doubled = tf.while_loop(lambda v: tf.reduce_sum(v) < 100.0, lambda v: v * 2.0, tf.ones([2]))
    data = np.array([1.0, 2.0], np.float32)
    with tf.Session() as sess:
        for n in (3, 5, 0, 3):  # repeated runs reuse the compiled loop
            count, total = sess.run([i, acc], {x: data, limit: n})
            expected = np.zeros(2, np.float32)
            for _ in range(n):
                expected = expected * 2 + data
            assert count == n
            np.testing.assert_allclose(total, expected)
        np.testing.assert_allclose(sess.run(doubled), [64.0, 64.0])
    with pytest.raises(ug.InvalidArgumentError, match="returns 1 values for 2 loop variables"):
        tf.while_loop(lambda a, b: a < 3, lambda a, b: a + 1, [tf.constant(0), tf.constant(0)])


def test_gradients_through_while_loop_are_not_none():
    """The loop op has no gradient rule; a loop whose result needs a gradient runs as ops instead."""
    import warnings
    w = tf.Variable(tf.constant([1.5]))
    out = tf.while_loop(lambda v: tf.reduce_sum(v) < 10.0, lambda v: v * w, tf.ones([1]))
    (grad,) = tf.gradients(tf.reduce_sum(out), [w])
    with tf.Session() as sess, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the run falls back to eager, and says so
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(out), [1.5 ** 6])
        for _ in range(2):
            np.testing.assert_allclose(sess.run(grad), [6 * 1.5 ** 5], rtol=1e-6)
