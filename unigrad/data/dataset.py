"""Dataset and TensorDataset."""
from ..core.tensor import Tensor
from ..errors import InvalidArgumentError


class Dataset:
    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__")


class TensorDataset(Dataset):
    def __init__(self, *tensors):
        n = tensors[0].shape[0]
        for i, t in enumerate(tensors):
            if t.shape[0] != n:
                raise InvalidArgumentError(f"TensorDataset: tensor {i} has {t.shape[0]} rows, tensor 0 has {n}")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0]

    def batch(self, indices):
        """Fast path used by DataLoader: one fancy-index per tensor instead of per-sample collation."""
        return tuple(Tensor._make(t._data[indices], t._device, t._dtype) for t in self.tensors)
