"""tf.image resizing and flips (TF1's sampling grid; PyTorch where the grids agree), tf.app.flags /
tf.app.run, tf.gfile and tf.logging."""
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

import unigrad.compat.v1 as tf

rng = np.random.default_rng(0)


def _tf1_bilinear(img, out_h, out_w):
    """TF1's resize_bilinear (align_corners=False, no half-pixel centres) in NumPy."""
    n, h, w, c = img.shape
    out = np.zeros((n, out_h, out_w, c))
    for i in range(out_h):
        y = i * h / out_h
        y0, y1 = int(np.floor(y)), min(int(np.floor(y)) + 1, h - 1)
        for j in range(out_w):
            x = j * w / out_w
            x0, x1 = int(np.floor(x)), min(int(np.floor(x)) + 1, w - 1)
            top = img[:, y0, x0] + (img[:, y0, x1] - img[:, y0, x0]) * (x - x0)
            bottom = img[:, y1, x0] + (img[:, y1, x1] - img[:, y1, x0]) * (x - x0)
            out[:, i, j] = top + (bottom - top) * (y - y0)
    return out


def test_resize_follows_tf1_and_torch_where_the_grids_agree():
    img = rng.standard_normal((2, 5, 7, 3))
    x = tf.constant(img)
    outs = [tf.image.resize_images(x, [8, 4]), tf.image.resize_images(x, [9, 11], align_corners=True),
            tf.image.resize_bilinear(x, [10, 3], half_pixel_centers=True),
            tf.image.resize_images(x, [10, 14], method=tf.image.ResizeMethod.NEAREST_NEIGHBOR),
            tf.image.resize(x[0], [3, 3])]
    assert [o.shape.as_list() for o in outs] == [[2, 8, 4, 3], [2, 9, 11, 3], [2, 10, 3, 3], [2, 10, 14, 3],
                                                 [3, 3, 3]]
    with tf.Session() as sess:
        legacy, corners, half, nearest, single = sess.run(outs)
    np.testing.assert_allclose(legacy, _tf1_bilinear(img, 8, 4), rtol=1e-10)
    t = torch.tensor(img).permute(0, 3, 1, 2)
    ref = lambda **kw: torch.nn.functional.interpolate(t, **kw).permute(0, 2, 3, 1).numpy()  # noqa: E731
    np.testing.assert_allclose(corners, ref(size=(9, 11), mode="bilinear", align_corners=True), rtol=1e-10)
    np.testing.assert_allclose(half, ref(size=(10, 3), mode="bilinear", align_corners=False), rtol=1e-10)
    np.testing.assert_array_equal(nearest, ref(size=(10, 14), mode="nearest"))
    np.testing.assert_allclose(single, _tf1_bilinear(img[:1], 3, 3)[0], rtol=1e-10)


def test_resize_gradient_and_dynamic_size():
    img = tf.placeholder(tf.float64, [None, 4, 4, 1])
    size = tf.placeholder(tf.int32, [2])
    resized = tf.image.resize_images(img, size)
    assert resized.shape.as_list() == [None, None, None, 1]
    (grad,) = tf.gradients(tf.reduce_sum(tf.image.resize_images(img, [8, 8])), [img])
    with tf.Session() as sess:
        assert sess.run(resized, {img: np.ones((1, 4, 4, 1)), size: [6, 2]}).shape == (1, 6, 2, 1)
        g = sess.run(grad, {img: np.ones((1, 4, 4, 1))})
    assert g.sum() == pytest.approx(64.0)  # every output pixel's weights sum to one


def test_flips_crops_and_standardization():
    img = rng.standard_normal((1, 4, 6, 3)).astype(np.float32)
    x = tf.constant(img)
    with tf.Session() as sess:
        lr, ud, crop, pad, std = sess.run([tf.image.flip_left_right(x), tf.image.flip_up_down(x),
                                           tf.image.resize_image_with_crop_or_pad(x, 2, 4),
                                           tf.image.resize_image_with_crop_or_pad(x, 6, 8),
                                           tf.image.per_image_standardization(x)])
    np.testing.assert_array_equal(lr, img[:, :, ::-1])
    np.testing.assert_array_equal(ud, img[:, ::-1])
    np.testing.assert_array_equal(crop, img[:, 1:3, 1:5])
    np.testing.assert_array_equal(pad[:, 1:5, 1:7], img)
    assert pad[:, 0].sum() == 0 and pad.shape == (1, 6, 8, 3)
    np.testing.assert_allclose(std, (img - img.mean()) / img.std(), rtol=1e-4, atol=1e-5)


def test_app_flags_and_run_in_a_tf1_program(tmp_path):
    program = tmp_path / "flags_program.py"
    program.write_text(
        "import unigrad.compat.v1 as tf\n"
        "flags = tf.app.flags\n"
        "flags.DEFINE_integer('steps', 3, 'how many steps')\n"
        "flags.DEFINE_float('learning_rate', 0.5, 'step size')\n"
        "flags.DEFINE_string('name', 'run', 'a name')\n"
        "flags.DEFINE_boolean('verbose', False, 'talk')\n"
        "FLAGS = flags.FLAGS\n"
        "def main(argv):\n"
        "    w = tf.Variable(0.0)\n"
        "    step = tf.assign_add(w, FLAGS.learning_rate)\n"
        "    with tf.Session() as sess:\n"
        "        sess.run(tf.global_variables_initializer())\n"
        "        for _ in range(FLAGS.steps):\n"
        "            sess.run(step)\n"
        "        print(FLAGS.name, FLAGS.verbose, sess.run(w), argv[1:])\n"
        "if __name__ == '__main__':\n"
        "    tf.app.run()\n")
    out = subprocess.run([sys.executable, str(program), "--steps", "4", "--learning_rate=0.25", "--verbose",
                          "extra"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "run True 1.0 ['extra']"
    bad = subprocess.run([sys.executable, str(program), "--steps", "many"], capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode != 0 and "steps" in bad.stderr and "Traceback" not in bad.stderr


def test_gfile_and_logging(tmp_path, caplog):
    folder = str(tmp_path / "a" / "b")
    tf.gfile.MakeDirs(folder)
    assert tf.gfile.Exists(folder) and tf.gfile.IsDirectory(folder)
    with tf.gfile.GFile(os.path.join(folder, "f.txt"), "w") as f:
        f.write("hi")
    assert tf.gfile.ListDirectory(folder) == ["f.txt"] and tf.gfile.Glob(os.path.join(folder, "*.txt"))
    tf.gfile.DeleteRecursively(str(tmp_path / "a"))
    assert not tf.gfile.Exists(folder)
    with pytest.raises(tf.errors.NotFoundError):
        tf.gfile.DeleteRecursively(folder)
    tf.logging.set_verbosity(tf.logging.INFO)
    with caplog.at_level("INFO", logger="tensorflow"):
        tf.logging.info("step %d", 3)
        for _ in range(5):
            tf.logging.log_every_n(tf.logging.INFO, "every other", 2)
    assert "step 3" in caplog.text and caplog.text.count("every other") == 3
