"""The tf.data example (TensorFlow-Examples' tensorflow_dataset_api): MNIST arrays through
Dataset.from_tensor_slices, repeat, batch and prefetch; an initializable iterator's get_next()
feeds a small network, so no feed_dict is needed. Documented: it trains like the feed_dict version."""
import unigrad.compat.v1 as tf
from unigrad.compat.v1.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("/tmp/data/", one_hot=True)
tf.set_random_seed(9)

learning_rate = 0.001
num_steps = 100
batch_size = 64
display_step = 50
n_input, n_classes, dropout = 784, 10, 0.75

sess = tf.Session()

dataset = tf.data.Dataset.from_tensor_slices((mnist.train.images, mnist.train.labels))
dataset = dataset.repeat()
dataset = dataset.batch(batch_size)
dataset = dataset.prefetch(batch_size)
iterator = dataset.make_initializable_iterator()
sess.run(iterator.initializer)
X, Y = iterator.get_next()
Y = tf.cast(Y, tf.float32)


def conv_net(x, n_classes, dropout, reuse, is_training):
    with tf.variable_scope('ConvNet', reuse=reuse):
        x = tf.reshape(x, shape=[-1, 28, 28, 1])
        x = tf.layers.conv2d(x, 16, 5, activation=tf.nn.relu)
        x = tf.layers.max_pooling2d(x, 2, 2)
        x = tf.layers.conv2d(x, 32, 3, activation=tf.nn.relu)
        x = tf.layers.max_pooling2d(x, 2, 2)
        x = tf.contrib.layers.flatten(x)
        x = tf.layers.dense(x, 256)
        x = tf.layers.dropout(x, rate=dropout, training=is_training)
        out = tf.layers.dense(x, n_classes)
        out = tf.nn.softmax(out) if not is_training else out
    return out


logits_train = conv_net(X, n_classes, 1 - dropout, reuse=False, is_training=True)
logits_test = conv_net(X, n_classes, 1 - dropout, reuse=True, is_training=False)

loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits_train, labels=Y))
optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
train_op = optimizer.minimize(loss_op)
correct_pred = tf.equal(tf.argmax(logits_test, 1), tf.argmax(Y, 1))
accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))

init = tf.global_variables_initializer()
sess.run(init)
print("variables:", len(tf.trainable_variables()))

for step in range(1, num_steps + 1):
    sess.run(train_op)
    if step % display_step == 0 or step == 1:
        loss, acc = sess.run([loss_op, accuracy])  # each run reads the next batch
        print("Step " + str(step) + ", Minibatch Loss= " + "{:.4f}".format(loss) + ", Training Accuracy= " +
              "{:.3f}".format(acc))
print("Optimization Finished!")
