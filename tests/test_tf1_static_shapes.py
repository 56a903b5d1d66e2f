"""TF1 static shapes come from the op registry's shape rules (run on the 'meta' device), and
errors of a bad op name the line that created it as well as the Session.run call."""
import numpy as np
import pytest

import unigrad as ug
import unigrad.compat.v1 as tf


@pytest.fixture(autouse=True)
def _fresh_graph():
    tf.reset_default_graph()
    yield
    tf.reset_default_graph()


def test_static_shapes_through_slicing_gather_split_and_more():
    x = tf.placeholder(tf.float32, [None, 6])
    ids = tf.placeholder(tf.int32, [None])
    table = tf.Variable(tf.zeros([10, 4]))
    a, b = tf.split(x, 2, axis=1)
    shapes = {
        "slice": x[:, 1:4], "gather": tf.gather(table, ids), "split": a, "tf.slice": tf.slice(x, [0, 2], [-1, 3]),
        "tile": tf.tile(x, [1, 2]), "expand": tf.expand_dims(x, 1), "reshape": tf.reshape(x, [-1, 3, 2]),
        "matmul": tf.matmul(x, tf.zeros([6, 5])), "one_hot": tf.one_hot(ids, 7), "cast": tf.cast(x, tf.int32),
        "sum all": tf.reduce_sum(x), "argmax": tf.argmax(x, 1), "where": tf.where(x > 0.0, x, -x),
    }
    assert {k: t.get_shape().as_list() for k, t in shapes.items()} == {
        "slice": [None, 3], "gather": [None, 4], "split": [None, 3], "tf.slice": [None, 3], "tile": [None, 12],
        "expand": [None, 1, 6], "reshape": [None, 3, 2], "matmul": [None, 5], "one_hot": [None, 7],
        "cast": [None, 6], "sum all": [], "argmax": [None], "where": [None, 6]}
    assert b.shape == (None, 3)


def test_known_shapes_are_exact_and_impossible_ops_fail_when_built():
    x = tf.placeholder(tf.float32, [4, 6])
    assert tf.reshape(x, [3, -1]).get_shape().as_list() == [3, 8]
    with pytest.raises(ug.ShapeError, match="cannot reshape"):
        tf.reshape(x, [5, 5])
    with pytest.raises(ug.ShapeError, match="cannot be multiplied"):
        tf.matmul(x, tf.zeros([5, 2]))


def test_a_shape_that_depends_on_the_unknown_batch_stays_unknown():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.reshape(x, [-1, 7])  # whether 3 * batch divides by 7 is only known when it runs
    assert y.get_shape().as_list() == [None, 7]
    unknown = tf.placeholder(tf.float32).shape  # unknown rank: a TensorShape printing as TF's does
    assert unknown.ndims is None and str(unknown) == "<unknown>" and repr(unknown) == "TensorShape(None)"
    assert tf.reduce_sum(tf.placeholder(tf.float32), axis=0).shape.ndims is None


def test_a_bad_op_found_at_run_time_names_where_it_was_defined_and_run():
    x = tf.placeholder(tf.float32, [None, 4])
    defined = f"{__file__}:{_line() + 1}"
    bad = tf.reshape(x, [3, 5])
    with tf.Session() as sess:
        with pytest.raises(ug.ShapeError) as info:
            ran = f"{__file__}:{_line() + 1}"
            sess.run(bad, {x: np.ones((2, 4), np.float32)})
    text = str(info.value)
    assert "cannot reshape" in text and "Caused by op 'Reshape'" in text
    assert defined in text and f"Session.run called at {ran}" in text


def _line():
    import sys
    return sys._getframe(1).f_lineno
