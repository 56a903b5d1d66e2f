"""ug.utils.data is ug.data, as torch.utils.data is where PyTorch users import from: this module
hands its name to the package, so ``from unigrad.utils.data import DataLoader`` and
``from unigrad.utils.data.sampler import RandomSampler`` give the very same classes."""
import sys

from .. import data as _data
from ..data import collate, dataloader, dataset, sampler

for _name, _module in (("dataset", dataset), ("sampler", sampler), ("dataloader", dataloader),
                       ("collate", collate)):
    sys.modules[f"{__name__}.{_name}"] = _module
sys.modules[__name__] = _data
