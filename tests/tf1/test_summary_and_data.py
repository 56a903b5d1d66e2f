"""tf.summary + FileWriter (read back with TensorBoard's reader) and tf.data pipelines."""
import numpy as np
import pytest

import unigrad as ug
import unigrad.compat.v1 as tf


def _events(folder):
    from tensorboard.backend.event_processing import event_accumulator
    acc = event_accumulator.EventAccumulator(str(folder), size_guidance={"images": 0, "histograms": 0, "scalars": 0})
    acc.Reload()
    return acc


def test_summaries_are_protobuf_bytes_written_by_file_writer(tmp_path):
    pytest.importorskip("tensorboard")
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(tf.ones([3, 1]), name="weights")
    with tf.name_scope("train"):
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.0))
        tf.summary.scalar("loss", loss)
    tf.summary.histogram("w", w)
    tf.summary.image("inputs", tf.reshape(x, [-1, 1, 3, 1]), max_outputs=2)
    step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    merged = tf.summary.merge_all()
    data = np.ones((2, 3), np.float32)
    losses, weights = [], []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        writer = tf.summary.FileWriter(str(tmp_path), sess.graph)
        for i in range(3):
            weights.append(sess.run(w))
            summary, _, value = sess.run([merged, step, loss], {x: data})
            assert isinstance(summary, bytes)
            losses.append(value)
            writer.add_summary(summary, i)
        writer.close()
    acc = _events(tmp_path)
    assert acc.Tags()["scalars"] == ["train/loss"] and acc.Tags()["histograms"] == ["w"]
    assert acc.Tags()["images"] == ["inputs/image/0", "inputs/image/1"]
    np.testing.assert_allclose([e.value for e in acc.Scalars("train/loss")], losses, rtol=1e-6)
    assert [e.step for e in acc.Scalars("train/loss")] == [0, 1, 2]
    for event, before in zip(acc.Histograms("w"), weights):  # the weights the run began with
        assert event.histogram_value.sum == pytest.approx(float(before.sum()), rel=1e-6)
    assert (acc.Images("inputs/image/0")[0].width, acc.Images("inputs/image/0")[0].height) == (3, 1)
    names = {n.name: n for n in acc.Graph().node}
    assert names["train/MatMul"].input == ["x", "weights"] and names["x"].op == "Placeholder"
    assert names["weights"].op == "VariableV2"


def test_a_hand_made_summary_and_the_image_scaling_rule(tmp_path):
    pytest.importorskip("tensorboard")
    from unigrad.compat.v1.summary import _tf_image_scale
    np.testing.assert_array_equal(_tf_image_scale(np.array([[0.0, 0.5, 2.0]])), [[0, 64, 255]])  # max to 255
    np.testing.assert_array_equal(_tf_image_scale(np.array([[-1.0, 0.0, 0.5]])), [[0, 127, 191]])  # 0 at 127
    np.testing.assert_array_equal(_tf_image_scale(np.array([[-0.5, 0.0, 2.0]])), [[95, 127, 255]])  # top at 255
    writer = tf.summary.FileWriter(str(tmp_path))
    writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag="accuracy", simple_value=0.75)]), 10)
    writer.close()
    event = _events(tmp_path).Scalars("accuracy")[0]
    assert (event.step, event.value) == (10, 0.75)


def test_dataset_pipeline_with_map_shuffle_batch_repeat_and_end_of_sequence():
    xs = np.arange(20, dtype=np.float32).reshape(10, 2)
    ys = np.arange(10, dtype=np.int64)
    ds = tf.data.Dataset.from_tensor_slices((xs, ys)).map(lambda x, y: (x * 2.0, tf.one_hot(y, 10)))
    ds = ds.shuffle(10, seed=3).batch(4)
    assert ds.output_types == (tf.float32, tf.float32)
    assert ds.output_shapes[0].as_list() == [None, 2] and ds.output_shapes[1].as_list() == [None, 10]
    iterator = ds.make_initializable_iterator()
    images, labels = iterator.get_next()
    assert images.shape == (None, 2)
    total = tf.reduce_sum(images, axis=1)
    with tf.Session() as sess:
        for epoch in range(2):
            sess.run(iterator.initializer)
            seen = []
            sizes = []
            while True:
                try:
                    t, lab = sess.run([total, labels])
                except tf.errors.OutOfRangeError:
                    break
                idx = lab.argmax(1)
                np.testing.assert_allclose(t, (xs[idx] * 2).sum(1))  # both components from the same element
                seen.extend(idx.tolist())
                sizes.append(len(idx))
            assert sorted(seen) == list(range(10)) and sizes == [4, 4, 2] and seen != list(range(10))
    # a seeded shuffle gives the same order in every run of the program; a small buffer only mixes nearby
    orders = []
    for buffer in (10, 10, 2):
        nxt = tf.data.Dataset.from_tensor_slices(ys).shuffle(buffer, seed=3).batch(10).make_one_shot_iterator()
        with tf.Session() as sess:
            orders.append(sess.run(nxt.get_next()).tolist())
    assert orders[0] == orders[1] and sorted(orders[0]) == list(range(10)) and orders[0] != list(range(10))
    assert all(abs(v - k) <= 2 * 10 for k, v in enumerate(orders[2])) and orders[2][0] in (0, 1)


def test_initializable_iterator_over_placeholders_repeat_take_skip_filter_and_zip():
    features = tf.placeholder(tf.float32, [None, 2])
    ds = tf.data.Dataset.from_tensor_slices(features).repeat(2).skip(1).take(5).batch(2)
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    evens = tf.data.Dataset.range(10).filter(lambda v: tf.equal(v % 2, 0))
    pairs = tf.data.Dataset.zip((evens, tf.data.Dataset.range(100, 110))).make_one_shot_iterator().get_next()
    data = np.arange(6, dtype=np.float32).reshape(3, 2)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="not been initialized"):
            sess.run(nxt)
        sess.run(it.initializer, {features: data})
        got = [sess.run(nxt).tolist() for _ in range(3)]
        assert got == [[[2, 3], [4, 5]], [[0, 1], [2, 3]], [[4, 5]]]
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(nxt)
        assert [tuple(sess.run(pairs)) for _ in range(3)] == [(0, 100), (2, 101), (4, 102)]


def test_reinitializable_iterator_switches_datasets():
    train = tf.data.Dataset.from_tensor_slices(np.arange(6, dtype=np.float32)).batch(3)
    test = tf.data.Dataset.from_tensor_slices(np.arange(100, 102, dtype=np.float32)).batch(3)
    it = tf.data.Iterator.from_structure(train.output_types, train.output_shapes)
    value = it.get_next()
    doubled = value * 2.0
    to_train, to_test = it.make_initializer(train), it.make_initializer(test)
    with tf.Session() as sess:
        sess.run(to_train)
        assert sess.run(doubled).tolist() == [0, 2, 4]
        sess.run(to_test)
        assert sess.run(doubled).tolist() == [200, 202]
        sess.run(to_train)
        assert sess.run(value).tolist() == [0, 1, 2]


def test_training_from_a_dataset_iterator_matches_feeding():
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((32, 3)).astype(np.float32)
    ys = xs @ np.array([[1.0], [-2.0], [0.5]], np.float32)
    results = []
    for use_data in (True, False):
        tf.reset_default_graph()
        if use_data:
            x, y = tf.data.Dataset.from_tensor_slices((xs, ys)).batch(8).repeat().make_one_shot_iterator().get_next()
            feed = lambda k: None  # noqa: E731
        else:
            x, y = tf.placeholder(tf.float32, [None, 3]), tf.placeholder(tf.float32, [None, 1])
            feed = lambda k: {x: xs[8 * (k % 4):8 * (k % 4) + 8], y: ys[8 * (k % 4):8 * (k % 4) + 8]}  # noqa: E731
        w = tf.Variable(tf.zeros([3, 1]))
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for k in range(40):
                sess.run(train, feed(k))
            results.append(sess.run(w))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6)
    np.testing.assert_allclose(results[0].ravel(), [1.0, -2.0, 0.5], atol=0.05)
