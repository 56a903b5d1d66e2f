"""Training that checkpoints every few steps with a global step and resumes where it stopped:
tf.train.Saver(max_to_keep=3) keeps the newest three checkpoints and the `checkpoint` index;
on start the program restores tf.train.latest_checkpoint(dir) if there is one. Run it twice:
the second run goes on from the first run's last step."""
import os
import sys

import unigrad.compat.v1 as tf
from unigrad.compat.v1.examples.tutorials.mnist import input_data

checkpoint_dir = sys.argv[1] if len(sys.argv) > 1 else "/tmp/checkpoints"
steps_per_run = 60
save_every = 20

mnist = input_data.read_data_sets("/tmp/data/", one_hot=False)
tf.set_random_seed(8)

images = tf.placeholder(tf.float32, [None, 784])
labels = tf.placeholder(tf.int32, [None])
global_step = tf.train.get_or_create_global_step()
hidden = tf.layers.dense(images, 64, activation=tf.nn.relu, name="hidden")
logits = tf.layers.dense(hidden, 10, name="logits")
loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
train_op = tf.train.MomentumOptimizer(0.05, 0.9).minimize(loss, global_step=global_step)
accuracy = tf.reduce_mean(tf.cast(tf.nn.in_top_k(logits, labels, 1), tf.float32))
saver = tf.train.Saver(max_to_keep=3)

if not os.path.isdir(checkpoint_dir):
    os.makedirs(checkpoint_dir)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    latest = tf.train.latest_checkpoint(checkpoint_dir)
    if latest:
        saver.restore(sess, latest)
        print("Restored", latest, "at step", sess.run(global_step))
    else:
        print("No checkpoint: starting from step 0")
    start = sess.run(global_step)
    while sess.run(global_step) < start + steps_per_run:
        batch_x, batch_y = mnist.train.next_batch(100)
        _, step, value = sess.run([train_op, global_step, loss], {images: batch_x, labels: batch_y})
        if step % save_every == 0:
            path = saver.save(sess, os.path.join(checkpoint_dir, "model.ckpt"), global_step=global_step)
            print("step %d loss %.4f saved %s" % (step, value, path))
    state = tf.train.get_checkpoint_state(checkpoint_dir)
    print("kept:", [os.path.basename(p) for p in state.all_model_checkpoint_paths])
    print("accuracy %.4f" % sess.run(accuracy, {images: mnist.test.images, labels: mnist.test.labels}))
