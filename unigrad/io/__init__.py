from .safetensors_io import load, save
