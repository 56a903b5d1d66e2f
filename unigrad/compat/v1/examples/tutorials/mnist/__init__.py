"""tensorflow.examples.tutorials.mnist: `input_data.read_data_sets` and the `mnist` model module of
TF1's MNIST tutorials (fully_connected_feed), over unigrad's MNIST reader."""
