"""The bugs the TF1 programs of issue 10 found in names unigrad had, each with its test."""
import os
import time

import numpy as np
import pytest

import unigrad as ug
import unigrad.compat.v1 as tf


def test_two_minimize_ops_in_one_run_both_use_the_forward_values_of_the_run():
    """A GAN step: sess.run([train_d, train_g]) updates D and G from the same forward pass."""
    z = tf.placeholder(tf.float32, [None, 2])
    x = tf.placeholder(tf.float32, [None, 2])
    w_g = tf.Variable(np.array([[0.5, -0.2], [0.1, 0.3]], np.float32), name="g")
    w_d = tf.Variable(np.array([[0.4], [-0.6]], np.float32), name="d")
    fake = tf.matmul(z, w_g)
    d_real, d_fake = tf.matmul(x, w_d), tf.matmul(fake, w_d)
    d_loss = tf.reduce_mean(tf.square(d_real - 1.0)) + tf.reduce_mean(tf.square(d_fake))
    g_loss = tf.reduce_mean(tf.square(d_fake - 1.0))
    train_d = tf.train.GradientDescentOptimizer(0.1).minimize(d_loss, var_list=[w_d])
    train_g = tf.train.GradientDescentOptimizer(0.1).minimize(g_loss, var_list=[w_g])
    zv = np.array([[1.0, 2.0], [0.5, -1.0], [0.0, 1.0]], np.float32)
    xv = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            g0, d0 = sess.run([w_g, w_d])
            _, _, dl, gl = sess.run([train_d, train_g, d_loss, g_loss], {z: zv, x: xv})
            # the reference: both gradients at the values the run began with (float64 NumPy)
            g0, d0 = g0.astype(np.float64), d0.astype(np.float64)
            f = zv @ g0
            n = len(zv)
            grad_d = xv.T @ (2 * (xv @ d0 - 1) / n) + f.T @ (2 * (f @ d0) / n)
            grad_g = zv.T @ ((2 * (f @ d0 - 1) / n) @ d0.T)
            np.testing.assert_allclose(dl, np.mean((xv @ d0 - 1) ** 2) + np.mean((f @ d0) ** 2), rtol=1e-5)
            np.testing.assert_allclose(gl, np.mean((f @ d0 - 1) ** 2), rtol=1e-5)
            np.testing.assert_allclose(sess.run(w_d), d0 - 0.1 * grad_d, rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(sess.run(w_g), g0 - 0.1 * grad_g, rtol=1e-5, atol=1e-6)


def test_graph_tensors_are_not_iterable_and_shapes_may_be_tensors():
    x = tf.placeholder(tf.float32, [None, 4])
    started = time.perf_counter()
    with pytest.raises(TypeError, match="only iterable when eager execution"):
        iter(tf.constant([1.0, 2.0]))
    with pytest.raises(ug.InvalidTypeError, match="tf.unstack"):
        a, b = tf.constant([1.0, 2.0])
    with pytest.raises(TypeError, match="len is not well defined"):
        len(x)
    assert time.perf_counter() - started < 1.0
    filled = tf.fill(tf.stack([tf.shape(x)[0], 3]), 0.5)
    zeros = tf.zeros(tf.shape(x))
    ones = tf.ones([tf.shape(x)[0], 2], tf.int32)
    reshaped = tf.reshape(x, tf.stack([tf.shape(x)[0], 2, 2]))
    noise = tf.random_normal([tf.shape(x)[0], 7])
    assert filled.shape == (None, 3) and zeros.shape == (None, 4) and ones.shape == (None, 2)
    assert reshaped.shape == (None, 2, 2) and noise.shape == (None, 7)
    data = np.arange(20, dtype=np.float32).reshape(5, 4)
    with tf.Session() as sess:
        for batch in (5, 3):  # a new batch size gives new shapes
            f, zz, o, r, nz = sess.run([filled, zeros, ones, reshaped, noise], {x: data[:batch]})
            np.testing.assert_array_equal(f, np.full((batch, 3), 0.5, np.float32))
            np.testing.assert_array_equal(zz, np.zeros((batch, 4), np.float32))
            assert o.dtype == np.int32 and o.shape == (batch, 2)
            np.testing.assert_array_equal(r, data[:batch].reshape(batch, 2, 2))
            assert nz.shape == (batch, 7) and nz.std() > 0.3


def test_layer_default_names_are_unique_per_variable_scope():
    def discriminator(images, reuse=False):
        with tf.variable_scope("Discriminator", reuse=reuse):
            h = tf.layers.conv2d(images, 4, 3, activation=tf.nn.tanh)
            h = tf.layers.conv2d(h, 4, 3)
            return tf.layers.dense(tf.layers.flatten(h), 1)
    real = tf.placeholder(tf.float32, [None, 8, 8, 1])
    fake = tf.placeholder(tf.float32, [None, 8, 8, 1])
    out_real = discriminator(real)
    out_fake = discriminator(fake, reuse=True)  # asks for Discriminator/conv2d/kernel again, not conv2d_2
    names = [v.name for v in tf.trainable_variables()]
    assert names == ["Discriminator/conv2d/kernel", "Discriminator/conv2d/bias", "Discriminator/conv2d_1/kernel",
                     "Discriminator/conv2d_1/bias", "Discriminator/dense/kernel", "Discriminator/dense/bias"]
    with tf.variable_scope("Other"):
        assert tf.layers.dense(tf.zeros([1, 2]), 1).name.startswith("Other/dense/")  # counted per scope
    data = np.random.default_rng(0).standard_normal((2, 8, 8, 1)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b = sess.run([out_real, out_fake], {real: data, fake: data})
    np.testing.assert_allclose(a, b, rtol=1e-6)  # the same weights


def test_positional_dtypes_int_shapes_and_whole_float_feeds():
    z = tf.zeros([2, 3], tf.float32)
    o = tf.ones([2], tf.int64)
    labels = tf.placeholder(tf.int32, shape=(4))
    assert labels.shape == (4,) and z.dtype is tf.float32 and o.dtype is tf.int64
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(z), np.zeros((2, 3), np.float32))
        assert sess.run(o).dtype == np.int64
        out = sess.run(labels * 2, {labels: np.array([1.0, 0.0, 3.0, 9.0])})  # labels kept as floats
        np.testing.assert_array_equal(out, [2, 0, 6, 18])
        assert out.dtype == np.int32
        with pytest.raises(ug.InvalidArgumentError, match="such as 0.5 .* not whole numbers"):
            sess.run(labels, {labels: [1.0, 0.5, 2.0, 3.0]})


def test_saver_takes_a_step_variable_writes_the_checkpoint_index_and_keeps_max_to_keep(tmp_path):
    step = tf.train.get_or_create_global_step()
    w = tf.Variable([0.0, 0.0], name="w")
    advance = tf.group(w.assign_add([1.0, 2.0]), tf.assign_add(step, 1))
    saver = tf.train.Saver(max_to_keep=2)
    prefix = str(tmp_path / "model.ckpt")
    assert tf.train.latest_checkpoint(str(tmp_path)) is None and tf.train.get_checkpoint_state(str(tmp_path)) is None
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        written = []
        for _ in range(3):
            sess.run(advance)
            written.append(saver.save(sess, prefix, global_step=step))
    assert written == [prefix + "-1", prefix + "-2", prefix + "-3"]
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "model.ckpt-2", "model.ckpt-3"]  # max_to_keep=2
    assert (tmp_path / "checkpoint").read_text() == (
        f'model_checkpoint_path: "{prefix}-3"\n'
        f'all_model_checkpoint_paths: "{prefix}-2"\nall_model_checkpoint_paths: "{prefix}-3"\n')
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == prefix + "-3" and state.all_model_checkpoint_paths == written[1:]
    with tf.Session() as sess:
        saver.restore(sess, tf.train.latest_checkpoint(str(tmp_path)))
        np.testing.assert_array_equal(sess.run(w), [3.0, 6.0])
        assert sess.run(step) == 3
    with pytest.raises(ug.InvalidArgumentError, match="save_path is None"):
        saver.restore(None, tf.train.latest_checkpoint(str(tmp_path / "empty")))


def test_relative_checkpoint_paths_are_written_relative_to_their_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.makedirs("run")
    tf.Variable([1.0], name="v")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        tf.train.Saver().save(sess, "run/model.ckpt", global_step=7)
    assert open("run/checkpoint").read().startswith('model_checkpoint_path: "model.ckpt-7"\n')
    assert tf.train.latest_checkpoint("run") == os.path.join("run", "model.ckpt-7")


def test_static_shapes_print_as_tf_and_dimensions_have_values():
    x = tf.placeholder(tf.float32, [None, 6])
    assert str(x.shape) == "(?, 6)" and repr(x.shape) == "TensorShape([Dimension(None), Dimension(6)])"
    assert x.shape[1].value == 6 and int(x.get_shape()[-1]) == 6 and x.shape[0].value is None
    assert x.shape.as_list() == [None, 6] and x.shape == [None, 6] and x.shape.ndims == 2
    assert str(tf.placeholder(tf.float32).shape) == "<unknown>"
    assert str(tf.constant(1.0).shape) == "()" and str(tf.zeros([3]).shape) == "(3,)"
    assert repr(x) == "<tf.Tensor 'Placeholder:0' shape=(?, 6) dtype=float32>"
    a, b = tf.split(x, [2, 4], axis=1)
    assert x[:, 1:4].shape == (None, 3) and a.shape == (None, 2) and b.shape == (None, 4)
    assert tf.gather(tf.zeros([10, 3]), tf.placeholder(tf.int32, [None])).shape == (None, 3)
    assert tf.slice(x, [0, 1], [-1, 2]).shape == (None, 2)
    x.set_shape([8, 6])
    assert x.shape == (8, 6)


def test_a_tf1_name_that_is_not_covered_says_so():
    with pytest.raises(tf.NotCoveredError, match=r"tf\.estimator is a name unigrad's TensorFlow 1 API "
                                                  r"\(unigrad.compat.v1\) does not cover yet"):
        tf.estimator
    with pytest.raises(AttributeError, match=r"tf\.nn\.ctc_loss .* does not cover yet"):
        tf.nn.ctc_loss
    with pytest.raises(AttributeError, match=r"Close names that exist: tf\.reduce_mean"):
        tf.reduce_maen
    assert not hasattr(tf.train, "SyncReplicasOptimizer") and getattr(tf.layers, "Nope", 3) == 3
