"""Save and restore a model (TensorFlow-Examples' save_restore_model): train an MLP for a while,
save it with tf.train.Saver, then in a new session restore it and go on training. Documented: the
restored model's accuracy is the saved model's, and training resumes from there."""
import sys

import unigrad.compat.v1 as tf
from unigrad.compat.v1.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("/tmp/data/", one_hot=True)
tf.set_random_seed(7)

learning_rate = 0.001
batch_size = 100
model_path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/model.ckpt"

n_hidden_1, n_hidden_2, n_input, n_classes = 128, 128, 784, 10
x = tf.placeholder("float", [None, n_input])
y = tf.placeholder("float", [None, n_classes])


def multilayer_perceptron(x, weights, biases):
    layer_1 = tf.nn.relu(tf.add(tf.matmul(x, weights['h1']), biases['b1']))
    layer_2 = tf.nn.relu(tf.add(tf.matmul(layer_1, weights['h2']), biases['b2']))
    return tf.matmul(layer_2, weights['out']) + biases['out']


weights = {
    'h1': tf.Variable(tf.random_normal([n_input, n_hidden_1], stddev=0.05)),
    'h2': tf.Variable(tf.random_normal([n_hidden_1, n_hidden_2], stddev=0.05)),
    'out': tf.Variable(tf.random_normal([n_hidden_2, n_classes], stddev=0.05))
}
biases = {
    'b1': tf.Variable(tf.zeros([n_hidden_1])),
    'b2': tf.Variable(tf.zeros([n_hidden_2])),
    'out': tf.Variable(tf.zeros([n_classes]))
}

pred = multilayer_perceptron(x, weights, biases)
cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=pred, labels=y))
optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate).minimize(cost)
correct_prediction = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))
accuracy = tf.reduce_mean(tf.cast(correct_prediction, "float"))
init = tf.global_variables_initializer()
saver = tf.train.Saver()


def train(sess, epochs):
    for epoch in range(epochs):
        avg_cost = 0.
        total_batch = int(mnist.train.num_examples / batch_size)
        for i in range(total_batch):
            batch_x, batch_y = mnist.train.next_batch(batch_size)
            _, c = sess.run([optimizer, cost], feed_dict={x: batch_x, y: batch_y})
            avg_cost += c / total_batch
        print("Epoch:", '%04d' % (epoch + 1), "cost=", "{:.9f}".format(avg_cost))


print("Starting 1st session...")
with tf.Session() as sess:
    sess.run(init)
    train(sess, 2)
    print("First Optimization Finished!")
    first = accuracy.eval({x: mnist.test.images, y: mnist.test.labels})
    print("Accuracy:", first)
    save_path = saver.save(sess, model_path)
    print("Model saved in file: %s" % save_path)

print("Starting 2nd session...")
with tf.Session() as sess:
    sess.run(init)
    print("Accuracy before restore:", accuracy.eval({x: mnist.test.images, y: mnist.test.labels}))
    saver.restore(sess, model_path)
    print("Model restored from file: %s" % save_path)
    print("Accuracy after restore:", accuracy.eval({x: mnist.test.images, y: mnist.test.labels}))
    train(sess, 2)
    print("Second Optimization Finished!")
    print("Accuracy:", accuracy.eval({x: mnist.test.images, y: mnist.test.labels}))
