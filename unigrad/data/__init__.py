"""ug.data (also ug.utils.data, as torch.utils.data): datasets, samplers and the DataLoader."""
from .dataset import (ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset, Subset, TensorDataset,
                      random_split)
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler,
                      WeightedRandomSampler)
from .collate import default_collate, default_convert
from .distributed import DistributedSampler
from .dataloader import DataLoader, Generator, get_worker_info
from .mnist import MNIST, download as download_mnist, read_idx
