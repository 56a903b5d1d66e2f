"""torch.utils.data's names in ug.data (and ug.utils.data): what they return, checked against
PyTorch's own classes on the same inputs."""
import collections

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import unigrad as ug
from unigrad.utils import data as ud


def _as_np(x):
    if isinstance(x, (ug.Tensor, torch.Tensor)):
        return np.asarray(x.numpy() if isinstance(x, ug.Tensor) else x.numpy())
    return x


def _same_structure(ours, theirs):
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, ug.Tensor), f"{type(ours)} vs a tensor"
        assert str(ours.dtype).replace("unigrad.", "") == str(theirs.dtype).replace("torch.", "")
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs) and list(ours) == list(theirs)
        for k in theirs:
            _same_structure(ours[k], theirs[k])
    elif isinstance(theirs, (list, tuple)):
        assert type(ours).__name__ == type(theirs).__name__ and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same_structure(a, b)
    else:
        assert ours == theirs


def test_utils_data_is_data_with_the_same_classes():
    from unigrad.utils.data.dataset import Dataset
    from unigrad.utils.data.sampler import RandomSampler
    from unigrad.utils.data.dataloader import DataLoader
    assert ud is ug.data and Dataset is ug.data.Dataset and RandomSampler is ug.data.RandomSampler
    assert DataLoader is ug.utils.data.DataLoader


Point = collections.namedtuple("Point", "x y")


@pytest.mark.parametrize("make", [
    lambda T: [(T.tensor([1.0, 2.0]), 3), (T.tensor([4.0, 5.0]), 6)],
    lambda T: [{"a": 1.5, "b": "s", "c": np.arange(3)}, {"a": 2.5, "b": "t", "c": np.arange(3) + 1}],
    lambda T: [[True, np.float32(1.5)], [False, np.float32(2.5)]],
    lambda T: [Point(T.tensor(1), 2.0), Point(T.tensor(3), 4.0)],
], ids=["tuple", "dict", "list-of-numpy-scalars", "namedtuple"])
def test_default_collate_matches_torch(make):
    _same_structure(ug.data.default_collate(make(ug)), tud.default_collate(make(torch)))


def test_default_collate_names_the_ragged_sample():
    with pytest.raises(ug.DataError, match=r"sample 1 of the batch has shape \(3,\), sample 0 has \(2,\)"):
        ug.data.default_collate([ug.zeros(2), ug.zeros(3)])


@pytest.mark.parametrize("lengths", [[0.8, 0.2], [0.3, 0.3, 0.4], [0.5, 0.25, 0.25], [4, 3, 3], [0.33, 0.33, 0.34]])
def test_random_split_lengths_match_torch(lengths):
    ours = ug.data.random_split(ug.data.TensorDataset(ug.arange(10)), lengths, generator=ug.Generator().manual_seed(1))
    theirs = tud.random_split(tud.TensorDataset(torch.arange(10)), lengths, generator=torch.Generator().manual_seed(1))
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    assert sorted(i for s in ours for i in s.indices) == list(range(10))
    again = ug.data.random_split(ug.data.TensorDataset(ug.arange(10)), lengths, generator=ug.Generator().manual_seed(1))
    assert [s.indices for s in again] == [s.indices for s in ours]


def test_random_split_refuses_lengths_that_do_not_add_up():
    with pytest.raises(ug.InvalidArgumentError, match="sum to 9, the dataset has 10"):
        ug.data.random_split(ug.data.TensorDataset(ug.arange(10)), [5, 4])


def test_subset_concat_stack_datasets_index_like_torch():
    base, tbase = ug.data.TensorDataset(ug.arange(10) * 2), tud.TensorDataset(torch.arange(10) * 2)
    _same_structure(ug.data.Subset(base, [7, 2, 5])[1], tud.Subset(tbase, [7, 2, 5])[1])
    cat, tcat = base + ug.data.Subset(base, [1, 2]), tbase + tud.Subset(tbase, [1, 2])
    assert len(cat) == len(tcat) == 12
    for i in (0, 9, 10, 11, -1, -12):
        _same_structure(cat[i], tcat[i])
    with pytest.raises(IndexError):
        cat[12]
    _same_structure(ug.data.StackDataset(base, base)[3], tud.StackDataset(tbase, tbase)[3])


def test_samplers_give_torchs_index_sets():
    seq = list(ug.data.SequentialSampler(range(6)))
    assert seq == list(tud.SequentialSampler(range(6)))
    rs = list(ug.data.RandomSampler(range(6), num_samples=15, generator=ug.Generator().manual_seed(0)))
    assert len(rs) == 15 and sorted(rs[:6]) == list(range(6)) and sorted(rs[6:12]) == list(range(6))
    assert sorted(ug.data.SubsetRandomSampler([4, 8, 9])) == [4, 8, 9]
    bs = ug.data.BatchSampler(ug.data.SequentialSampler(range(7)), 3, drop_last=True)
    tbs = tud.BatchSampler(tud.SequentialSampler(range(7)), 3, drop_last=True)
    assert list(bs) == list(tbs) and len(bs) == len(tbs) == 2


def test_weighted_random_sampler_draws_in_proportion():
    draws = np.array(list(ug.data.WeightedRandomSampler([1.0, 3.0, 0.0, 4.0], 8000)))
    freq = np.bincount(draws, minlength=4) / 8000
    np.testing.assert_allclose(freq, [0.125, 0.375, 0.0, 0.5], atol=0.02)
    without = list(ug.data.WeightedRandomSampler([1.0, 1.0, 5.0], 3, replacement=False))
    assert sorted(without) == [0, 1, 2]


def test_dataloader_batches_like_torch_with_sampler_and_batch_sampler():
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    ds, tds = ug.data.TensorDataset(ug.tensor(x), ug.arange(10)), tud.TensorDataset(torch.tensor(x), torch.arange(10))
    order = [3, 1, 4, 1, 5, 9, 2, 6]
    for kw in ({"batch_size": 3, "sampler": order}, {"batch_size": 3, "sampler": order, "drop_last": True},
               {"batch_sampler": [[0, 1], [9], [2, 5, 7]]}, {"batch_size": None, "sampler": [4, 2]}):
        ours, theirs = list(ug.data.DataLoader(ds, **kw)), list(tud.DataLoader(tds, **kw))
        assert len(ours) == len(theirs) == len(ug.data.DataLoader(ds, **kw))
        for a, b in zip(ours, theirs):
            _same_structure(a, b)


def test_dataloader_over_a_subset_uses_the_batch_fast_path_with_the_same_values():
    ds = ug.data.TensorDataset(ug.arange(10.0), ug.arange(10))
    sub = ug.data.Subset(ds, [9, 8, 7, 0])
    assert hasattr(sub, "batch") and not hasattr(ug.data.Subset([1, 2], [0]), "batch")
    assert [b[1].tolist() for b in ug.data.DataLoader(sub, batch_size=3)] == [[9, 8, 7], [0]]


def test_dataloader_shuffles_with_its_generator_each_epoch():
    ds = ug.data.TensorDataset(ug.arange(10))
    loader = ug.data.DataLoader(ds, batch_size=10, shuffle=True, generator=ug.Generator().manual_seed(5))
    first, second = [b[0].tolist() for b in loader], [b[0].tolist() for b in loader]
    assert sorted(first[0]) == list(range(10)) and first != second
    again = ug.data.DataLoader(ds, batch_size=10, shuffle=True, generator=ug.Generator().manual_seed(5))
    assert [b[0].tolist() for b in again] == first


def test_iterable_dataset_batches_in_order():
    class Stream(ug.data.IterableDataset):
        def __iter__(self):
            return iter(range(7))

    class TStream(tud.IterableDataset):
        def __iter__(self):
            return iter(range(7))
    for kw in ({"batch_size": 3}, {"batch_size": 3, "drop_last": True}, {"batch_size": None}):
        ours, theirs = list(ug.data.DataLoader(Stream(), **kw)), list(tud.DataLoader(TStream(), **kw))
        for a, b in zip(ours, theirs):
            _same_structure(a, b)
        assert len(ours) == len(theirs)
    with pytest.raises(ug.InvalidArgumentError, match="IterableDataset"):
        ug.data.DataLoader(Stream(), shuffle=True)


@pytest.mark.parametrize("kw,message", [
    ({"sampler": [0, 1], "shuffle": True}, "sampler option is mutually exclusive with shuffle"),
    ({"batch_sampler": [[0]], "batch_size": 4}, "batch_sampler option is mutually exclusive"),
    ({"batch_size": None, "drop_last": True}, "mutually exclusive with drop_last"),
    ({"batch_size": 0}, "batch_size must be a positive int"),
])
def test_dataloader_refuses_conflicting_arguments(kw, message):
    with pytest.raises(ug.InvalidArgumentError, match=message):
        ug.data.DataLoader(ug.data.TensorDataset(ug.arange(4)), **kw)


def test_dataloader_accepts_torchs_worker_arguments():
    calls = []
    loader = ug.data.DataLoader(ug.data.TensorDataset(ug.arange(6)), batch_size=2, num_workers=2, pin_memory=True,
                                persistent_workers=True, prefetch_factor=4, worker_init_fn=calls.append)
    assert [b[0].tolist() for b in loader] == [[0, 1], [2, 3], [4, 5]] and calls == [0]
    assert ug.data.get_worker_info() is None
