"""tf.nn.rnn_cell cells, static_rnn / dynamic_rnn / bidirectional: TF1's variable names and
formulas, checked against PyTorch's LSTM (weights mapped) and NumPy references."""
import numpy as np
import pytest
import torch

import unigrad.compat.v1 as tf

rng = np.random.default_rng(0)


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


def _torch_lstm_from_tf(kernel, bias, depth, units, forget_bias=1.0):
    """A torch.nn.LSTM with TF's BasicLSTMCell weights: TF gates i, j, f, o; torch's i, f, g, o."""
    lstm = torch.nn.LSTM(depth, units, batch_first=True).double()
    order = lambda m: np.concatenate([m[..., :units], m[..., 2 * units:3 * units], m[..., units:2 * units],  # noqa
                                      m[..., 3 * units:]], axis=-1)
    b = bias.copy()
    b[2 * units:3 * units] += forget_bias
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.tensor(order(kernel[:depth]).T))
        lstm.weight_hh_l0.copy_(torch.tensor(order(kernel[depth:]).T))
        lstm.bias_ih_l0.copy_(torch.tensor(order(b)))
        lstm.bias_hh_l0.zero_()
    return lstm


@pytest.mark.parametrize("way", ["static", "dynamic"])
def test_basic_lstm_matches_torch_lstm_values_and_gradients(way):
    batch, steps, depth, units = 3, 5, 4, 6
    xv = rng.standard_normal((batch, steps, depth))
    x = tf.placeholder(tf.float64, [None, steps, depth])
    cell = tf.contrib.rnn.BasicLSTMCell(units)
    if way == "static":
        outs, state = tf.contrib.rnn.static_rnn(cell, tf.unstack(x, steps, 1), dtype=tf.float64)
        outputs = tf.stack(outs, axis=1)
    else:
        outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float64)
    assert [v.name for v in tf.trainable_variables()] == ["rnn/basic_lstm_cell/kernel", "rnn/basic_lstm_cell/bias"]
    assert tf.trainable_variables()[0].shape == (depth + units, 4 * units)
    assert outputs.shape == (None, steps, units) and state.c.shape == (None, units)
    loss = tf.reduce_sum(tf.square(outputs)) + tf.reduce_sum(state.c)
    grads = tf.gradients(loss, [x] + tf.trainable_variables())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        bias_value = rng.standard_normal(4 * units)
        sess.run(tf.trainable_variables()[1].assign(bias_value))
        kernel, bias = sess.run(tf.trainable_variables())
        out, (c, h), gx, gk, gb = sess.run([outputs, state] + grads, {x: xv})
    lstm = _torch_lstm_from_tf(kernel, bias, depth, units)
    tx = torch.tensor(xv, requires_grad=True)
    t_out, (t_h, t_c) = lstm(tx)
    ((t_out ** 2).sum() + t_c.sum()).backward()
    np.testing.assert_allclose(out, t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h, t_h[0].detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(c, t_c[0].detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(gx, tx.grad.numpy(), rtol=1e-9, atol=1e-11)
    w_ih = lstm.weight_ih_l0.grad.numpy().T
    units_order = np.r_[0:units, 2 * units:3 * units, units:2 * units, 3 * units:4 * units]  # torch i,f,g,o -> TF i,j,f,o
    np.testing.assert_allclose(gk[:depth], w_ih[:, units_order], rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(gb, lstm.bias_ih_l0.grad.numpy()[units_order], rtol=1e-9, atol=1e-11)


def test_gru_and_peephole_projection_lstm_follow_tf1_formulas():
    batch, depth, units, proj = 2, 3, 4, 2
    xv, hv = rng.standard_normal((batch, depth)), rng.standard_normal((batch, units))
    cv, mv = rng.standard_normal((batch, units)), rng.standard_normal((batch, proj))
    x = tf.constant(xv)
    gru = tf.nn.rnn_cell.GRUCell(units)
    g_out, g_state = gru(x, tf.constant(hv))
    lstm = tf.nn.rnn_cell.LSTMCell(units, use_peepholes=True, num_proj=proj, cell_clip=0.8, forget_bias=0.5)
    l_out, l_state = lstm(x, tf.nn.rnn_cell.LSTMStateTuple(tf.constant(cv), tf.constant(mv)))
    names = [v.name for v in tf.trainable_variables()]
    assert names == ["gru_cell/gates/kernel", "gru_cell/gates/bias", "gru_cell/candidate/kernel",
                     "gru_cell/candidate/bias", "lstm_cell/kernel", "lstm_cell/bias", "lstm_cell/w_f_diag",
                     "lstm_cell/w_i_diag", "lstm_cell/w_o_diag", "lstm_cell/projection/kernel"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        wg, bg, wc, bc, k, b, wf, wi, wo, p = sess.run(tf.trainable_variables())
        got = sess.run([g_out, g_state, l_out, l_state])
    np.testing.assert_array_equal(bg, np.ones(2 * units))  # TF1's GRU gate bias starts at 1
    r, u = np.split(_sigmoid(np.concatenate([xv, hv], 1) @ wg + bg), 2, axis=1)
    cand = np.tanh(np.concatenate([xv, r * hv], 1) @ wc + bc)
    h_new = u * hv + (1 - u) * cand
    np.testing.assert_allclose(got[0], h_new, rtol=1e-10)
    np.testing.assert_allclose(got[1], h_new, rtol=1e-10)
    i, j, f, o = np.split(np.concatenate([xv, mv], 1) @ k + b, 4, axis=1)
    c_new = np.clip(_sigmoid(f + 0.5 + wf * cv) * cv + _sigmoid(i + wi * cv) * np.tanh(j), -0.8, 0.8)
    m_new = (_sigmoid(o + wo * c_new) * np.tanh(c_new)) @ p
    np.testing.assert_allclose(got[2], m_new, rtol=1e-10)
    np.testing.assert_allclose(got[3].c, c_new, rtol=1e-10)
    np.testing.assert_allclose(got[3].h, m_new, rtol=1e-10)


def test_dynamic_rnn_with_sequence_length_stops_each_row_at_its_length():
    batch, steps, depth, units = 3, 6, 2, 3
    xv = rng.standard_normal((batch, steps, depth)).astype(np.float32)
    lengths = np.array([6, 2, 4], np.int32)
    x = tf.placeholder(tf.float32, [None, None, depth])  # the time length is not known when building
    seq = tf.placeholder(tf.int32, [None])
    cell = tf.nn.rnn_cell.BasicRNNCell(units)
    outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=seq, dtype=tf.float32)
    assert outputs.shape == (None, None, units) and state.shape == (None, units)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel, bias = sess.run(tf.trainable_variables())
        out, final = sess.run([outputs, state], {x: xv, seq: lengths})
        shorter = sess.run(outputs, {x: xv[:, :3], seq: np.minimum(lengths, 3)})  # another length: no rebuild
    for row in range(batch):
        h = np.zeros(units, np.float32)
        for t in range(steps):
            if t < lengths[row]:
                h = np.tanh(np.concatenate([xv[row, t], h]) @ kernel + bias)
                np.testing.assert_allclose(out[row, t], h, rtol=1e-5, atol=1e-6)
            else:
                np.testing.assert_array_equal(out[row, t], 0.0)
        np.testing.assert_allclose(final[row], h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(shorter, out[:, :3] * (np.arange(3) < np.minimum(lengths, 3)[:, None])[..., None],
                               rtol=1e-5, atol=1e-6)


def test_multi_rnn_cell_dropout_wrapper_names_and_keep_prob():
    x = tf.placeholder(tf.float32, [None, 4, 3])
    keep = tf.placeholder_with_default(1.0, [])
    cells = [tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.LSTMCell(5), output_keep_prob=keep) for _ in range(2)]
    stack = tf.nn.rnn_cell.MultiRNNCell(cells)
    outputs, state = tf.nn.dynamic_rnn(stack, x, dtype=tf.float32)
    assert [v.name for v in tf.trainable_variables()] == [
        "rnn/multi_rnn_cell/cell_0/lstm_cell/kernel", "rnn/multi_rnn_cell/cell_0/lstm_cell/bias",
        "rnn/multi_rnn_cell/cell_1/lstm_cell/kernel", "rnn/multi_rnn_cell/cell_1/lstm_cell/bias"]
    assert tf.trainable_variables()[2].shape == (10, 20) and len(state) == 2 and state[1].h.shape == (None, 5)
    xv = rng.standard_normal((2, 4, 3)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b = sess.run(outputs, {x: xv}), sess.run(outputs, {x: xv})
        np.testing.assert_array_equal(a, b)  # keep 1.0: deterministic
        dropped = sess.run(outputs, {x: xv, keep: 0.5})
        assert (dropped == 0).mean() > 0.2
    with pytest.raises(ValueError, match="same cell"):
        cell = tf.nn.rnn_cell.GRUCell(3)
        tf.nn.rnn_cell.MultiRNNCell([cell, cell])


def test_bidirectional_rnns_run_the_backward_cell_over_the_reversed_sequence():
    batch, steps, depth, units = 2, 4, 3, 2
    xv = rng.standard_normal((batch, steps, depth))
    x = tf.constant(xv)
    (fw, bw), (sf, sb) = tf.nn.bidirectional_dynamic_rnn(tf.nn.rnn_cell.GRUCell(units), tf.nn.rnn_cell.GRUCell(units),
                                                         x, dtype=tf.float64)
    outs, s_fw, s_bw = tf.contrib.rnn.static_bidirectional_rnn(
        tf.nn.rnn_cell.GRUCell(units), tf.nn.rnn_cell.GRUCell(units), tf.unstack(x, axis=1), dtype=tf.float64,
        scope="static")
    names = [v.name for v in tf.trainable_variables()]
    assert names[0] == "bidirectional_rnn/fw/gru_cell/gates/kernel" and names[4] == "bidirectional_rnn/bw/gru_cell/gates/kernel"
    assert names[8] == "static/fw/gru_cell/gates/kernel" and len(outs) == steps and outs[0].shape == (batch, 2 * units)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for src, dst in zip(tf.trainable_variables()[:8], tf.trainable_variables()[8:]):
            sess.run(dst.assign(src))  # the same weights in both, so their results must agree
        f, b, hf, hb, o, hf2, hb2 = sess.run([fw, bw, sf, sb, outs, s_fw, s_bw])
    np.testing.assert_allclose(np.concatenate([f, b], -1), np.stack(o, 1), rtol=1e-10)
    np.testing.assert_allclose(hf, f[:, -1], rtol=1e-10)
    np.testing.assert_allclose(hb, b[:, 0], rtol=1e-10)  # the backward cell ends at the first step
    np.testing.assert_allclose(hb2, hb, rtol=1e-10)


def test_reverse_sequence_reverses_each_rows_first_entries():
    x = tf.constant(np.arange(12).reshape(2, 6))
    with tf.Session() as sess:
        out = sess.run(tf.reverse_sequence(x, [3, 6], seq_axis=1, batch_axis=0))
    np.testing.assert_array_equal(out, [[2, 1, 0, 3, 4, 5], [11, 10, 9, 8, 7, 6]])
