"""torch.set_default_device / get_default_device: where results go when no device= is given
(checked with the meta device, the one other device every machine has)."""
import numpy as np
import pytest
import torch

import unigrad as ug


def test_factories_and_tensor_follow_the_default_device_as_torchs_do():
    made = {"zeros": lambda m: m.zeros(2, 3), "randn": lambda m: m.randn(4), "arange": lambda m: m.arange(5),
            "eye": lambda m: m.eye(2), "full": lambda m: m.full((2,), 3.0), "tensor": lambda m: m.tensor([1.0, 2.0]),
            "from numpy": lambda m: m.tensor(np.ones(3, np.float32))}
    try:
        ug.set_default_device("meta")
        torch.set_default_device("meta")
        assert str(ug.get_default_device()) == str(torch.get_default_device()) == "meta"
        for name, make in made.items():
            ours, theirs = make(ug), make(torch)
            assert ours.device.type == theirs.device.type == "meta", name
            assert tuple(ours.shape) == tuple(theirs.shape), name
        assert ug.zeros(2, device="cpu").device.type == "cpu"  # an explicit device= still wins
    finally:
        ug.set_default_device(None)
        torch.set_default_device(None)
    assert ug.zeros(1).device.type == "cpu" and ug.tensor([1.0]).device.type == "cpu"


def _modules(nn):
    return {"linear": nn.Linear(3, 4), "conv": nn.Conv2d(3, 8, 3), "embedding": nn.Embedding(10, 4),
            "batchnorm": nn.BatchNorm2d(8), "lstm": nn.LSTM(4, 5, 2), "gru": nn.GRU(4, 5),
            "encoder layer": nn.TransformerEncoderLayer(16, 2, dim_feedforward=32)}


def test_modules_built_under_with_device_meta_have_torchs_shapes_and_no_memory():
    with ug.device("meta") as entered, torch.device("meta"):
        assert entered == "meta" and str(ug.get_default_device()) == "meta"
        ours, theirs = _modules(ug.nn), _modules(torch.nn)
    assert str(ug.get_default_device()) == "cpu"
    for name in ours:
        got = {k: (tuple(v.shape), v.device.type) for k, v in ours[name].state_dict().items()}
        want = {k: (tuple(v.shape), v.device.type) for k, v in theirs[name].state_dict().items()}
        assert got == want, name


def test_with_device_blocks_nest_and_restore_on_error():
    try:
        with ug.device("meta"):
            with ug.device("cpu"):
                assert ug.zeros(1).device.type == "cpu"
            assert ug.zeros(1).device.type == "meta"
            raise KeyError("inside")
    except KeyError:
        pass
    assert str(ug.get_default_device()) == "cpu"


def test_to_empty_then_load_state_dict_gives_the_trained_model():
    with ug.device("meta"):
        model = ug.nn.Sequential(ug.nn.Linear(3, 4), ug.nn.BatchNorm1d(4), ug.nn.Linear(4, 2))
    weight = model[0].weight
    source = ug.nn.Sequential(ug.nn.Linear(3, 4), ug.nn.BatchNorm1d(4), ug.nn.Linear(4, 2))
    source(ug.randn(8, 3))  # running statistics that are not the defaults
    assert model.to_empty(device="cpu") is model and model[0].weight is weight  # optimizers keep seeing it
    assert float(model[0].weight.abs().sum()) == 0.0  # fresh storage, zeros
    model.load_state_dict(source.state_dict())
    model.eval(), source.eval()
    x = ug.randn(5, 3)
    np.testing.assert_array_equal(model(x).detach().numpy(), source(x).detach().numpy())


def test_meta_in_place_writes_check_shapes():
    with ug.device("meta"):
        x = ug.zeros(2, 3)
        x.add_(ug.ones(3))  # broadcasts: fine
        try:
            x.copy_(ug.ones(4))
        except Exception as exc:
            assert "(4,)" in str(exc) and "(2, 3)" in str(exc)
        else:
            raise AssertionError("a (4,) value was written into a (2, 3) meta tensor")


def test_device_takes_torchs_spellings():
    assert ug.device(type="cpu") is ug.device("cpu") is ug.device("cpu", 0) is ug.device()
    assert ug.device(type="meta") == "meta" and repr(ug.device("meta")) == repr(torch.device("meta"))
    if not ug.cuda.is_available():  # an integer is a CUDA index, as torch.device(1) is cuda:1
        with pytest.raises(ug.DeviceError, match="'cuda:1' requested but CUDA is not available"):
            ug.device(1)
        with pytest.raises(ug.DeviceError, match="'cuda:0' requested"):
            ug.zeros(2, device=0)
    for bad, message in [(lambda: ug.device("cuda:0", 1), "already names an index"),
                         (lambda: ug.device(-1), "CUDA index >= 0, got -1"),
                         (lambda: ug.device("cpu", type="cpu"), "give the type once"),
                         (lambda: ug.device("cuda", "x"), "index must be an int >= 0, got 'x'"),
                         (lambda: ug.device("tpu"), "unknown device 'tpu'")]:
        with pytest.raises(ug.DeviceError, match=message):
            bad()
