"""tf.nn.conv2d_transpose / tf.layers.conv2d_transpose and tf.layers.batch_normalization,
against their definitions (the gradient of conv2d; TF1's batch-norm formulas) and PyTorch."""
import numpy as np
import pytest
import torch

import unigrad.compat.v1 as tf


@pytest.mark.parametrize("padding,in_hw,out_hw,kernel,stride", [
    ("SAME", (3, 4), (6, 8), 3, 2), ("SAME", (3, 3), (5, 5), 4, 2), ("VALID", (3, 4), (7, 9), 3, 2),
    ("VALID", (3, 3), (8, 8), 3, 2), ("SAME", (4, 4), (4, 4), 3, 1)])
def test_conv2d_transpose_is_the_gradient_of_conv2d(padding, in_hw, out_hw, kernel, stride):
    rng = np.random.default_rng(0)
    y = rng.standard_normal((2,) + in_hw + (5,))
    k = rng.standard_normal((kernel, kernel, 3, 5))  # [h, w, out_channels, in_channels]
    x = tf.placeholder(tf.float64, (2,) + out_hw + (3,))
    conv = tf.nn.conv2d(x, tf.constant(k), [1, stride, stride, 1], padding)
    assert conv.shape == (2,) + in_hw + (5,)
    (expected,) = tf.gradients(conv, [x], grad_ys=[tf.constant(y)])
    got = tf.nn.conv2d_transpose(tf.constant(y), tf.constant(k), [2, *out_hw, 3], [1, stride, stride, 1], padding)
    assert got.shape == (2,) + out_hw + (3,)
    with tf.Session() as sess:
        want, have = sess.run([expected, got], {x: np.zeros((2,) + out_hw + (3,))})
    np.testing.assert_allclose(have, want, rtol=1e-10, atol=1e-12)


def test_conv2d_transpose_valid_matches_torch_and_takes_a_tensor_shape():
    rng = np.random.default_rng(1)
    y = rng.standard_normal((2, 3, 3, 4)).astype(np.float32)
    k = rng.standard_normal((2, 2, 6, 4)).astype(np.float32)
    inp = tf.placeholder(tf.float32, [None, 3, 3, 4])
    out = tf.nn.conv2d_transpose(inp, tf.constant(k), tf.stack([tf.shape(inp)[0], 6, 6, 6]), [1, 2, 2, 1], "VALID")
    assert out.shape == (None, 6, 6, 6)
    ref = torch.nn.functional.conv_transpose2d(torch.tensor(y).permute(0, 3, 1, 2), torch.tensor(k).permute(3, 2, 0, 1),
                                               stride=2).permute(0, 2, 3, 1).numpy()
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(out, {inp: y}), ref, rtol=1e-5, atol=1e-5)


def test_layers_conv2d_transpose_sizes_and_variables():
    x = tf.placeholder(tf.float32, [None, 6, 6, 8])
    same = tf.layers.conv2d_transpose(x, 4, 4, strides=2, padding="same")
    valid = tf.layers.conv2d_transpose(x, 1, 5, strides=2)
    assert same.shape == (None, 12, 12, 4) and valid.shape == (None, 15, 15, 1)
    assert [(v.name, v.shape.as_list()) for v in tf.trainable_variables()] == [
        ("conv2d_transpose/kernel", [4, 4, 4, 8]), ("conv2d_transpose/bias", [4]),
        ("conv2d_transpose_1/kernel", [5, 5, 1, 8]), ("conv2d_transpose_1/bias", [1])]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b = sess.run([same, valid], {x: np.ones((3, 6, 6, 8), np.float32)})
    assert a.shape == (3, 12, 12, 4) and b.shape == (3, 15, 15, 1)


@pytest.mark.parametrize("shape", [(6, 3), (4, 5, 5, 3)])
def test_batch_normalization_trains_with_batch_statistics_and_updates_moving_averages(shape):
    rng = np.random.default_rng(2)
    data = [rng.standard_normal(shape).astype(np.float32) * 3 + 1 for _ in range(3)]
    x = tf.placeholder(tf.float32, [None] + list(shape[1:]))
    training = tf.placeholder(tf.bool, [])
    out = tf.layers.batch_normalization(x, momentum=0.9, training=training)
    assert out.shape == (None,) + shape[1:]
    names = [v.name for v in tf.global_variables()]
    assert names == ["batch_normalization/gamma", "batch_normalization/beta", "batch_normalization/moving_mean",
                     "batch_normalization/moving_variance"]
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(update_ops) == 2
    with tf.control_dependencies(update_ops):
        step = tf.identity(out)
    axes = tuple(range(len(shape) - 1))
    n = int(np.prod(shape[:-1]))
    mean, var = np.zeros(3), np.ones(3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for batch in data:
            got = sess.run(step, {x: batch, training: True})
            m, v = batch.mean(axes), batch.var(axes)
            np.testing.assert_allclose(got, (batch - m) / np.sqrt(v + 1e-3), rtol=1e-4, atol=1e-4)
            unbiased = v * n / (n - 1) if len(shape) == 4 else v  # TF1's fused kernel, for 4-D inputs
            mean, var = mean - (mean - m) * 0.1, var - (var - unbiased) * 0.1
        moving = sess.run(tf.global_variables()[2:])
        np.testing.assert_allclose(moving[0], mean, rtol=1e-5)
        np.testing.assert_allclose(moving[1], var, rtol=1e-5)
        inferred = sess.run(step, {x: data[0], training: False})  # the moving averages, and no update
        np.testing.assert_allclose(inferred, (data[0] - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose(sess.run(tf.global_variables()[3]), var, rtol=1e-5)


def test_batch_normalization_gradient_matches_torch():
    rng = np.random.default_rng(3)
    xv = rng.standard_normal((8, 4)).astype(np.float64)
    x = tf.placeholder(tf.float64, [None, 4])
    out = tf.layers.batch_normalization(x, training=True, epsilon=1e-3,
                                        gamma_initializer=tf.constant_initializer([1.0, 2.0, 0.5, -1.0]))
    loss = tf.reduce_sum(tf.square(out) * tf.constant([1.0, 2.0, 3.0, 4.0], tf.float64))
    gx, gg = tf.gradients(loss, [x, tf.trainable_variables()[0]])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got_x, got_g = sess.run([gx, gg], {x: xv})
    tx = torch.tensor(xv, requires_grad=True)
    tg = torch.tensor([1.0, 2.0, 0.5, -1.0], dtype=torch.float64, requires_grad=True)
    y = torch.nn.functional.batch_norm(tx, None, None, tg, torch.zeros(4, dtype=torch.float64), training=True, eps=1e-3)
    (y.square() * torch.tensor([1.0, 2.0, 3.0, 4.0], dtype=torch.float64)).sum().backward()
    np.testing.assert_allclose(got_x, tx.grad.numpy(), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(got_g, tg.grad.numpy(), rtol=1e-8)


def test_layers_dropout_with_a_training_tensor():
    x = tf.placeholder(tf.float32, [None, 1000])
    training = tf.placeholder_with_default(False, [])
    y = tf.layers.dropout(x, rate=0.25, training=training)
    ones = np.ones((4, 1000), np.float32)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: ones}), ones)
        dropped = sess.run(y, {x: ones, training: True})
        assert set(np.unique(dropped)) == {0.0, np.float32(1 / 0.75)} and 0.2 < (dropped == 0).mean() < 0.3
