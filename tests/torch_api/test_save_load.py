"""ug.save / ug.load: what PyTorch users save comes back as it was, without pickle; PyTorch's
own .pt checkpoints are read by a reader that only rebuilds tensors and containers."""
import collections
import io
import pickle
import zipfile

import numpy as np
import pytest
import torch

import unigrad as ug


def _round_trip(obj, tmp_path=None):
    if tmp_path is None:
        buffer = io.BytesIO()
        ug.save(obj, buffer)
        buffer.seek(0)
        return ug.load(buffer)
    path = tmp_path / "obj.pt"
    ug.save(obj, path)
    return ug.load(path)


def test_a_single_tensor_comes_back_as_a_tensor(tmp_path):
    x = ug.arange(6.0).reshape(2, 3)
    back = _round_trip(x, tmp_path)
    assert isinstance(back, ug.Tensor) and back.tolist() == x.tolist() and back.dtype is ug.float32
    assert sorted(p.name for p in tmp_path.iterdir()) == ["obj.pt"]  # no temporary left behind


def test_nested_checkpoint_round_trips_with_types_and_shared_tensors():
    model = ug.nn.Linear(3, 2)
    shared = ug.randn(4)
    checkpoint = {
        "epoch": 7, "best": 0.125, "nan": float("nan"), "name": "resnet", "done": False, "nothing": None,
        "model": model.state_dict(), "history": [1.5, 2.5], "pair": (shared, shared), 3: {"int key": True},
        "numpy": np.arange(6, dtype=np.int16).reshape(2, 3), "scalar": np.float64(0.5), "dtype": ug.float64,
        "size": ug.Size([2, 3]), "grad": ug.ones(2, requires_grad=True),
    }
    back = _round_trip(checkpoint)
    assert list(back) == list(checkpoint)
    assert back["epoch"] == 7 and back["best"] == 0.125 and np.isnan(back["nan"]) and back["name"] == "resnet"
    assert back["done"] is False and back["nothing"] is None and back["history"] == [1.5, 2.5]
    assert isinstance(back["model"], collections.OrderedDict) and list(back["model"]) == ["weight", "bias"]
    np.testing.assert_array_equal(back["model"]["weight"].numpy(), model.weight.detach().numpy())
    assert isinstance(back["pair"], tuple) and back["pair"][0] is back["pair"][1]
    assert back[3] == {"int key": True}
    assert isinstance(back["numpy"], np.ndarray) and back["numpy"].dtype == np.int16
    assert back["scalar"] == 0.5 and back["dtype"] is ug.float64 and back["size"] == ug.Size([2, 3])
    assert back["grad"].requires_grad and back["grad"].is_leaf


def test_optimizer_state_round_trips_and_loads():
    model = ug.nn.Linear(3, 2)
    opt = ug.optim.Adam(model.parameters(), lr=0.01)
    model(ug.randn(4, 3)).sum().backward()
    opt.step()
    fresh = ug.optim.Adam(model.parameters(), lr=0.5)
    fresh.load_state_dict(_round_trip(opt.state_dict()))
    assert fresh.param_groups[0]["lr"] == 0.01
    state = fresh.state[model.weight]
    np.testing.assert_array_equal(np.asarray(state["exp_avg"]), np.asarray(opt.state[model.weight]["exp_avg"]))


@pytest.mark.parametrize("obj,kind", [(ug.nn.Linear(2, 2), "a Module"),
                                      (ug.optim.SGD(ug.nn.Linear(2, 2).parameters(), lr=0.1), "an optimizer")])
def test_saving_a_module_or_optimizer_is_refused_with_what_to_do(obj, kind, tmp_path):
    with pytest.raises(ug.InvalidTypeError, match=f"got {kind}.*state_dict\\(\\)"):
        ug.save(obj, tmp_path / "m.pt")
    assert not list(tmp_path.iterdir())


def test_unsupported_objects_are_refused_naming_where():
    with pytest.raises(ug.DataError, match="got a object at 'a.1'"):
        ug.save({"a": [1, object()]}, io.BytesIO())


def _torch_file(obj, tmp_path, **kw):
    path = tmp_path / "torch.pt"
    torch.save(obj, path, **kw)
    return path


def test_reads_a_torch_state_dict_into_a_model(tmp_path):
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    um = ug.nn.Sequential(ug.nn.Linear(4, 8), ug.nn.ReLU(), ug.nn.Linear(8, 2))
    um.load_state_dict(ug.load(_torch_file(tm.state_dict(), tmp_path)))
    x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    np.testing.assert_allclose(um(ug.tensor(x)).detach().numpy(), tm(torch.tensor(x)).detach().numpy(), rtol=1e-6)


def test_reads_torch_checkpoint_values_dtypes_and_containers(tmp_path):
    model = torch.nn.Linear(2, 3)
    opt = torch.optim.Adam(model.parameters())
    model(torch.randn(4, 2)).sum().backward()
    opt.step()
    base = torch.arange(12.0).view(3, 4)
    obj = {"model": model.state_dict(), "opt": opt.state_dict(), "epoch": 3, "loss": 0.25, "tag": "x",
           "view": base[:, 1:3], "t": base.t(), "half": torch.tensor([1.5, -2.0], dtype=torch.float16),
           "bf16": torch.tensor([1.5, -2.0], dtype=torch.bfloat16), "flags": torch.tensor([True, False]),
           "ints": torch.tensor([1, 2], dtype=torch.int32), "param": torch.nn.Parameter(torch.ones(2)),
           "size": torch.Size([2, 5]), "numpy": np.arange(4.0), "list": [torch.zeros(1), (1, 2)], "none": None}
    back = ug.load(_torch_file(obj, tmp_path))
    assert back["epoch"] == 3 and back["loss"] == 0.25 and back["tag"] == "x" and back["none"] is None
    for key in ("view", "t", "half", "flags", "ints"):
        np.testing.assert_array_equal(back[key].numpy(), obj[key].numpy())
        assert back[key].dtype.name == str(obj[key].dtype).replace("torch.", "")
    np.testing.assert_array_equal(back["bf16"].numpy(), obj["bf16"].float().numpy())
    assert back["param"].requires_grad and back["size"] == ug.Size([2, 5])
    np.testing.assert_array_equal(back["numpy"], np.arange(4.0))
    assert back["list"][1] == (1, 2)
    state = back["opt"]["state"][0]
    np.testing.assert_allclose(state["exp_avg"].numpy(), opt.state_dict()["state"][0]["exp_avg"].numpy())
    assert back["opt"]["param_groups"][0]["params"] == [0, 1]


class _Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(2, 2)


def test_a_whole_pickled_model_is_refused_naming_its_class(tmp_path):
    with pytest.raises(ug.DataError, match=r"needs '.*_Net'.*torch.save\(model\).*state_dict\(\)"):
        ug.load(_torch_file(_Net(), tmp_path))


def test_a_malicious_checkpoint_runs_nothing(tmp_path):
    class Evil:
        def __reduce__(self):
            return (print, ("unpickled!",))
    path = tmp_path / "evil.pt"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("evil/data.pkl", pickle.dumps({"w": Evil()}, protocol=2))
    with pytest.raises(ug.DataError, match="needs '(__builtin__|builtins).print'"):
        ug.load(path)


def test_legacy_and_raw_pickle_files_are_refused(tmp_path):
    legacy = _torch_file({"w": torch.ones(2)}, tmp_path, _use_new_zipfile_serialization=False)
    with pytest.raises(ug.DataError, match="legacy format of PyTorch < 1.6"):
        ug.load(legacy)
    raw = tmp_path / "raw.pkl"
    raw.write_bytes(pickle.dumps([1, 2]))
    with pytest.raises(ug.DataError, match="raw pickle stream"):
        ug.load(raw)


@pytest.mark.parametrize("where", ["cpu", ug.device("cpu"), lambda storage, loc: storage, {"cpu": "cpu"}],
                         ids=["str", "device", "callable", "dict"])
def test_map_location_forms(where, tmp_path):
    back = ug.load(_torch_file({"w": torch.ones(2)}, tmp_path), map_location=where)
    assert back["w"].device == ug.device("cpu") and back["w"].tolist() == [1.0, 1.0]


def test_file_objects_and_torch_keywords(tmp_path):
    path = tmp_path / "x.pt"
    with open(path, "wb") as f:
        ug.save([ug.ones(1)], f)
    with open(path, "rb") as f:
        assert ug.load(f, weights_only=True)[0].tolist() == [1.0]


class _StorageRef:
    pass


def _crafted_checkpoint(path, size, stride, offset=0):
    """A zip checkpoint whose one tensor claims the view (offset, size, stride) of a 4-float storage."""
    class View:
        def __reduce__(self):
            return (torch._utils._rebuild_tensor_v2, (_StorageRef(), offset, size, stride, False,
                                                      collections.OrderedDict()))

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            return ("storage", torch.FloatStorage, "0", "cpu", 4) if isinstance(obj, _StorageRef) else None
    buffer = io.BytesIO()
    Pickler(buffer, protocol=2).dump({"w": View()})
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", buffer.getvalue())
        z.writestr("archive/data/0", np.arange(4, dtype="<f4").tobytes())
    return path


def test_a_crafted_view_cannot_read_beyond_its_storage(tmp_path):
    ok = ug.load(_crafted_checkpoint(tmp_path / "ok.pt", (2,), (2,), offset=1))
    assert ok["w"].tolist() == [1.0, 3.0]  # the reader follows a genuine strided view
    with pytest.raises(ug.DataError, match=r"reaches element 999 of a storage of 4 elements"):
        ug.load(_crafted_checkpoint(tmp_path / "big.pt", (1000,), (1,)))
    with pytest.raises(ug.DataError, match="malformed view"):
        ug.load(_crafted_checkpoint(tmp_path / "neg.pt", (2,), (-1,), offset=3))


def test_a_damaged_pickle_gives_a_data_error_not_a_traceback(tmp_path):
    path = tmp_path / "damaged.pt"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", b"\x80\x02a.")  # APPEND with nothing on the stack
    with pytest.raises(ug.DataError, match="malformed at byte 2"):
        ug.load(path)
