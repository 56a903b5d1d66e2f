"""tensorflow.examples: the tutorial helpers TF1 programs import (MNIST's input_data and model)."""
