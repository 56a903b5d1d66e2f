"""TensorFlow 1's classic linear-regression example with only the import changed."""
import numpy as np

import unigrad.compat.v1 as tf

xs = np.random.default_rng(0).random(100).astype(np.float32)
ys = xs * 0.1 + 0.3

X = tf.placeholder(tf.float32, [None])
label = tf.placeholder(tf.float32, [None])
W = tf.Variable(tf.random_uniform([1], -1.0, 1.0))
b = tf.Variable(tf.zeros([1]))
Y = W * X + b
loss = tf.reduce_mean(tf.square(Y - label))
train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)

init = tf.initialize_all_variables()
sess = tf.Session()
sess.run(init)
for step in range(10000):
    sess.run(train, feed_dict={X: xs, label: ys})
    if step % 2000 == 0:
        print(step, sess.run(W), sess.run(b), sess.run(loss, feed_dict={X: xs, label: ys}))
w_final, b_final = sess.run([W, b])
print(f"W = {w_final[0]:.4f} (true 0.1), b = {b_final[0]:.4f} (true 0.3)")
