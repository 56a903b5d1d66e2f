"""Smaller TF1 names docs/tf1.md lists, each against hand-computed values."""
import numpy as np
import pytest

import unigrad as ug
import unigrad.compat.v1 as tf


def test_contrib_fully_connected_regularizers_and_local_variables():
    x = tf.constant([[1.0, -2.0]])
    out = tf.contrib.layers.fully_connected(x, 3, weights_initializer=tf.constant_initializer(0.5))
    linear = tf.contrib.layers.fully_connected(x, 1, activation_fn=None, scope="head")
    w = tf.get_variable("w", [2], initializer=tf.ones_initializer(),
                        regularizer=lambda v: tf.reduce_sum(tf.square(v)) * 0.1)
    counter = tf.Variable(0, trainable=False, collections=[tf.GraphKeys.LOCAL_VARIABLES], name="counter")
    assert [v.name for v in tf.trainable_variables()] == ["fully_connected/weights", "fully_connected/biases",
                                                          "head/weights", "head/biases", "w"]
    assert counter not in tf.global_variables() and tf.local_variables() == [counter]
    (penalty,) = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        np.testing.assert_allclose(sess.run(out), [[0.0, 0.0, 0.0]])  # relu(0.5 - 1.0)
        assert sess.run(linear).shape == (1, 1) and sess.run(penalty) == pytest.approx(0.2)
        assert sess.run(counter) == 0 and sess.run(w).tolist() == [1.0, 1.0]


def test_residual_wrapper_static_rnn_sequence_length_and_zero_state():
    cell = tf.nn.rnn_cell.ResidualWrapper(tf.nn.rnn_cell.BasicRNNCell(2))
    inputs = [tf.constant([[1.0, 2.0], [3.0, 4.0]]) for _ in range(3)]
    lengths = tf.constant([3, 1])
    outputs, state = tf.nn.static_rnn(cell, inputs, sequence_length=lengths, dtype=tf.float32)
    zero = cell.zero_state(tf.shape(inputs[0])[0], tf.float32)
    assert zero.shape == (2, 2)  # tf.shape of a constant is known when the graph is built
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel, bias = sess.run(tf.trainable_variables())
        outs, final, z = sess.run([outputs, state, zero])
    h = np.zeros((2, 2), np.float32)
    x = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    for t in range(3):
        new = np.tanh(np.concatenate([x, h], 1) @ kernel + bias)
        alive = (np.array([3, 1]) > t)[:, None]
        np.testing.assert_allclose(outs[t], np.where(alive, new + x, 0.0), rtol=1e-5, atol=1e-6)
        h = np.where(alive, new, h)
    np.testing.assert_allclose(final, h, rtol=1e-5, atol=1e-6)
    assert z.tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_image_dtype_and_grayscale_and_random_shuffle():
    img = np.array([[[[0, 128, 255]]]], np.uint8)
    with tf.Session() as sess:
        as_float = sess.run(tf.image.convert_image_dtype(tf.constant(img), tf.float32))
        back = sess.run(tf.image.convert_image_dtype(tf.constant(as_float), tf.uint8))
        gray = sess.run(tf.image.rgb_to_grayscale(tf.constant([[[[1.0, 0.5, 0.25]]]])))
        shuffled = sess.run(tf.random_shuffle(tf.range(10)))
    np.testing.assert_allclose(as_float, img / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(back, img)
    assert gray.shape == (1, 1, 1, 1) and gray[0, 0, 0, 0] == pytest.approx(0.2989 + 0.5870 * 0.5 + 0.1140 * 0.25)
    assert sorted(shuffled.tolist()) == list(range(10)) and shuffled.tolist() != list(range(10))


def test_operators_math_namespace_and_shapes():
    a, b = tf.constant([7, -7, 5]), tf.constant([3, 3, -2])
    t, f = tf.constant([True, True, False]), tf.constant([True, False, False])
    with tf.Session() as sess:
        assert sess.run(a % b).tolist() == [1, 2, -1] and sess.run(a // b).tolist() == [2, -3, -3]  # Python's
        assert sess.run(t & f).tolist() == [True, False, False] and sess.run(t | f).tolist() == [True, True, False]
        assert sess.run(t ^ f).tolist() == [False, True, False] and sess.run(~f).tolist() == [False, True, True]
        assert sess.run(tf.math.reduce_prod(tf.constant([2.0, 3.0]))) == 6.0
        assert sess.run(tf.to_float(a)).dtype == np.float32 and sess.run(tf.to_int64(a)).dtype == np.int64
    shape = tf.TensorShape([None, 3])
    assert shape.merge_with([5, None]) == (5, 3) and not shape.is_fully_defined()
    assert shape.concatenate([2]).as_list() == [None, 3, 2] and tf.TensorShape([2, 3]).num_elements() == 6
    with pytest.raises(ug.InvalidArgumentError, match="not compatible"):
        shape.merge_with([5, 4])
    assert tf.get_default_graph().get_tensor_by_name("Const:0") is a


def test_session_config_and_device_are_accepted_without_effect():
    config = tf.ConfigProto(allow_soft_placement=True)
    config.gpu_options.allow_growth = True
    with tf.device("/cpu:0"):
        x = tf.constant(2.0) * 3.0
    with tf.Session(config=config) as sess:
        assert sess.run(x) == 6.0


def _seeded_draws(order):
    tf.reset_default_graph()
    tf.set_random_seed(5)
    ops = {"normal": tf.random_normal([3]), "uniform": tf.random_uniform([2]),
           "dropout": tf.nn.dropout(tf.ones([50]), keep_prob=0.5), "flip": tf.image.random_flip_left_right(
               tf.reshape(tf.range(8.0), [2, 2, 2, 1]))}
    with tf.Session() as sess:
        return {name: [sess.run(ops[name]) for _ in range(2)] for name in order}


def test_graph_seed_gives_each_op_its_own_repeatable_stream():
    # TF1 derives an op seed from the graph seed and the op's place in the graph: each random op
    # repeats its draws in a new run of the program, whatever order the ops are run in
    first = _seeded_draws(["normal", "uniform", "dropout", "flip"])
    again = _seeded_draws(["flip", "dropout", "uniform", "normal"])
    for name in first:
        for a, b in zip(first[name], again[name]):
            np.testing.assert_array_equal(a, b)
    assert not np.array_equal(*first["normal"])  # a second run of an op draws anew
    kept = first["dropout"][0]
    assert set(np.unique(kept)) <= {0.0, 2.0} and 10 < np.count_nonzero(kept) < 40
    assert tf.get_seed(None) == (5, len(tf.get_default_graph().nodes)) and tf.get_seed(3) == (5, 3)
    tf.reset_default_graph()  # the seed belongs to the graph, as in TF
    assert tf.get_seed(None) == (None, None) and tf.get_seed(3) == (87654321, 3)
