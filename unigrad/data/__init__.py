"""ug.data: datasets and the DataLoader."""
from .dataset import Dataset, TensorDataset
from .loader import DataLoader, Generator, default_collate
from .mnist import MNIST, download as download_mnist, read_idx
