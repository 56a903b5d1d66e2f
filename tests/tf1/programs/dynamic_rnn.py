"""MNIST rows through tf.nn.dynamic_rnn over a two-layer MultiRNNCell (an LSTMCell and a GRUCell,
each in a DropoutWrapper whose keep probability is a placeholder), the last time step's output
classified. Documented: trains like the static LSTM; dropout only while training."""
import unigrad.compat.v1 as tf
from unigrad.compat.v1.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("/tmp/data/", one_hot=True)
tf.set_random_seed(4)

learning_rate = 0.005
training_steps = 150
batch_size = 64
display_step = 50
timesteps, num_input, num_hidden, num_classes = 28, 28, 48, 10

X = tf.placeholder(tf.float32, [None, timesteps, num_input])
Y = tf.placeholder(tf.float32, [None, num_classes])
keep_prob = tf.placeholder_with_default(1.0, shape=[])

cells = [tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.LSTMCell(num_hidden), output_keep_prob=keep_prob),
         tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.GRUCell(num_hidden), output_keep_prob=keep_prob)]
stacked = tf.nn.rnn_cell.MultiRNNCell(cells)
outputs, state = tf.nn.dynamic_rnn(stacked, X, dtype=tf.float32)
last = outputs[:, -1, :]
logits = tf.layers.dense(last, num_classes)

loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=Y, logits=logits))
train_op = tf.train.AdamOptimizer(learning_rate).minimize(loss_op)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(Y, 1)), tf.float32))

print("variables:", [v.name for v in tf.trainable_variables()])
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(1, training_steps + 1):
        batch_x, batch_y = mnist.train.next_batch(batch_size)
        batch_x = batch_x.reshape((-1, timesteps, num_input))
        _, loss = sess.run([train_op, loss_op], feed_dict={X: batch_x, Y: batch_y, keep_prob: 0.9})
        if step % display_step == 0 or step == 1:
            print("Step %d, Minibatch Loss= %.4f" % (step, loss))
    print("Optimization Finished!")
    test_x = mnist.test.images[:500].reshape((-1, timesteps, num_input))
    print("Testing Accuracy:", sess.run(accuracy, feed_dict={X: test_x, Y: mnist.test.labels[:500]}))
