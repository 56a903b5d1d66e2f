import numpy as np
import pytest
import torch

import unigrad as ug


def _copy_params(ours, theirs):
    for (n, p), (tn, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert n == tn
        with ug.no_grad():
            p.copy_(ug.tensor(tp.detach().numpy()))


def test_lenet_matches_torch_forward_and_backward(device):
    ug.manual_seed(0)  # the same weights whichever tests ran before in this process
    ours = ug.nn.Sequential(ug.nn.Conv2d(1, 4, 5), ug.nn.MaxPool2d(2), ug.nn.Conv2d(4, 6, 3, padding=1),
                            ug.nn.BatchNorm2d(6), ug.nn.ReLU(), ug.nn.AvgPool2d(2), ug.nn.Flatten(),
                            ug.nn.Linear(54, 10))
    theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 5), torch.nn.MaxPool2d(2), torch.nn.Conv2d(4, 6, 3, padding=1),
                                 torch.nn.BatchNorm2d(6), torch.nn.ReLU(), torch.nn.AvgPool2d(2), torch.nn.Flatten(),
                                 torch.nn.Linear(54, 10))
    _copy_params(ours, theirs)
    ours.to(device)
    x = np.random.default_rng(0).standard_normal((3, 1, 16, 16)).astype(np.float32)
    y = np.array([1, 2, 3])
    loss = ug.nn.functional.cross_entropy(ours(ug.tensor(x, device=device)), ug.tensor(y, device=device))
    tloss = torch.nn.functional.cross_entropy(theirs(torch.tensor(x)), torch.tensor(y))
    loss.backward()
    tloss.backward()
    assert loss.item() == pytest.approx(tloss.item(), rel=1e-5)
    for (n, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.cpu().numpy(), tp.grad.numpy(), rtol=1e-3, atol=1e-5, err_msg=n)
    np.testing.assert_allclose(ours[3].running_mean.cpu().numpy(), theirs[3].running_mean.numpy(), rtol=1e-5)
    np.testing.assert_allclose(ours[3].running_var.cpu().numpy(), theirs[3].running_var.numpy(), rtol=1e-5)


def test_state_dict_round_trip_and_strict_errors(tmp_path):
    m = ug.nn.Sequential(ug.nn.Linear(3, 4), ug.nn.BatchNorm1d(4))
    assert list(m.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                                    "1.num_batches_tracked"]
    path = tmp_path / "w.safetensors"
    ug.save(m.state_dict(), path)
    m2 = ug.nn.Sequential(ug.nn.Linear(3, 4), ug.nn.BatchNorm1d(4))
    m2.load_state_dict(ug.load(path))
    np.testing.assert_array_equal(m2[0].weight.detach().numpy(), m[0].weight.detach().numpy())
    bad = dict(m.state_dict())
    bad["0.weight"] = ug.zeros(5, 3)
    with pytest.raises(ug.StateDictError, match=r"0.weight: checkpoint has shape \(5, 3\)"):
        m2.load_state_dict(bad)
    del bad["0.weight"]
    with pytest.raises(ug.StateDictError, match="missing keys"):
        m2.load_state_dict({k: v for k, v in m.state_dict().items() if k != "0.bias"})
    result = m2.load_state_dict({k: v for k, v in m.state_dict().items() if k != "0.bias"}, strict=False)
    assert result.missing_keys == ["0.bias"]


def test_load_refuses_non_safetensors(tmp_path):
    path = tmp_path / "model.pt"
    path.write_bytes(b"\x80\x04\x95 pickle payload")
    with pytest.raises(ug.DataError, match="not a valid safetensors"):
        ug.load(path)


def test_repr_like_pytorch():
    m = ug.nn.Sequential(ug.nn.Conv2d(1, 20, 5), ug.nn.ReLU(), ug.nn.Linear(2, 3, bias=False))
    assert repr(m) == ("Sequential(\n  (0): Conv2d(1, 20, kernel_size=(5, 5), stride=(1, 1))\n  (1): ReLU()\n"
                       "  (2): Linear(in_features=2, out_features=3, bias=False)\n)")


def test_default_init_bounds_match_pytorch():
    ug.manual_seed(0)
    lin = ug.nn.Linear(100, 50)
    bound = 1 / np.sqrt(100)
    w = lin.weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert lin.weight.dtype is ug.float32


def test_module_containers_and_modes():
    blocks = ug.nn.ModuleList([ug.nn.Linear(2, 2), ug.nn.Dropout(0.5)])
    d = ug.nn.ModuleDict({"a": ug.nn.Linear(2, 1)})
    outer = ug.nn.Sequential(blocks[0], d["a"])
    assert len(list(outer.parameters())) == 4
    blocks.eval()
    assert not blocks[1].training
    x = ug.ones(4, 2)
    assert np.array_equal(blocks[1](x).numpy(), x.numpy())


def test_save_is_atomic_and_refuses_non_tensors(tmp_path):
    path = tmp_path / "w.safetensors"
    ug.save({"a": ug.ones(2)}, path)
    with pytest.raises(ug.DataError, match="stores Tensors"):
        ug.save({"a": ug.ones(2), "b": object()}, path)
    assert ug.load(path)["a"].tolist() == [1.0, 1.0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.safetensors"]


def test_every_user_error_is_a_unigrad_error():
    with pytest.raises(ug.UnigradError):
        ug.nn.Dropout(2.0)
    with pytest.raises(ug.UnigradError):
        ug.optim.SGD([ug.nn.Parameter(ug.ones(1))], lr=-1)
    with pytest.raises(IndexError):
        ug.ones(3)[7]


def test_assigning_over_parameters_and_submodules_follows_pytorch():
    m = ug.nn.Linear(2, 2)
    m.bias = None  # keeps the name, as None (no bias)
    assert "bias" in m._parameters and m.bias is None and [n for n, _ in m.named_parameters()] == ["weight"]
    with pytest.raises(ug.InvalidTypeError, match="parameter 'weight'"):
        m.weight = ug.zeros(2, 2)  # a plain Tensor is not a parameter
    m.weight = ug.nn.Linear(2, 2)  # a Module takes the name over from the parameter
    assert isinstance(m.weight, ug.nn.Module) and [n for n, _ in m.named_parameters()] == ["weight.weight",
                                                                                             "weight.bias"]
    m.weight = ug.nn.Parameter(ug.ones(2))  # and back
    assert "weight" not in m._modules and m.weight.shape == (2,)
