"""Compatibility front doors: `import unigrad.compat.v1 as tf` runs TensorFlow 1 graph code."""
