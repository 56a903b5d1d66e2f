"""The model module of TF1's MNIST tutorial (fully_connected_feed): two ReLU hidden layers and a
linear softmax layer, each in its name scope with variables `weights` and `biases`."""
import math

from ..... import v1 as tf

NUM_CLASSES = 10
IMAGE_SIZE = 28
IMAGE_PIXELS = IMAGE_SIZE * IMAGE_SIZE


def _layer(inputs, fan_in, units, scope):
    with tf.name_scope(scope):
        weights = tf.Variable(tf.truncated_normal([fan_in, units], stddev=1.0 / math.sqrt(float(fan_in))),
                              name="weights")
        biases = tf.Variable(tf.zeros([units]), name="biases")
        return tf.matmul(inputs, weights) + biases


def inference(images, hidden1_units, hidden2_units):
    """Logits [batch, NUM_CLASSES] for [batch, IMAGE_PIXELS] images."""
    hidden1 = tf.nn.relu(_layer(images, IMAGE_PIXELS, hidden1_units, "hidden1"))
    hidden2 = tf.nn.relu(_layer(hidden1, hidden1_units, hidden2_units, "hidden2"))
    return _layer(hidden2, hidden2_units, NUM_CLASSES, "softmax_linear")


def loss(logits, labels):
    """Mean cross entropy of the logits against int labels."""
    return tf.losses.sparse_softmax_cross_entropy(labels=tf.to_int64(labels), logits=logits)


def training(loss, learning_rate):
    """A gradient-descent train op that also counts steps in a `global_step` variable, and a
    scalar summary of the loss."""
    tf.summary.scalar("loss", loss)
    optimizer = tf.train.GradientDescentOptimizer(learning_rate)
    global_step = tf.Variable(0, name="global_step", trainable=False)
    return optimizer.minimize(loss, global_step=global_step)


def evaluation(logits, labels):
    """How many of the batch's examples have the label as their top prediction."""
    correct = tf.nn.in_top_k(logits, labels, 1)
    return tf.reduce_sum(tf.cast(correct, tf.int32))
