"""ug.io: ug.save / ug.load (any nested structure of tensors, as safetensors, never pickle; and
the tensors of PyTorch's .pt/.pth checkpoints), plus the flat safetensors reader and writer the
graph and TF1 savers use."""
from .serialization import load, save
