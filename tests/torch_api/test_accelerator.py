"""ug.accelerator (torch.accelerator) and device objects wherever a device name works."""
import io

import numpy as np
import pytest
import torch

import unigrad as ug


def test_accelerator_agrees_with_cuda_and_the_usual_idiom_picks_a_device():
    assert ug.accelerator.is_available() == ug.cuda.is_available()
    assert ug.accelerator.device_count() == ug.cuda.device_count()
    current = ug.accelerator.current_accelerator()
    device = current if ug.accelerator.is_available() else ug.device("cpu")
    if ug.accelerator.is_available():
        assert current.type == "cuda" and current.index == ug.accelerator.current_device_index()
        assert ug.zeros(2, device=device).device == device
    else:
        assert current is None and ug.accelerator.current_device_index() == -1
        assert device == ug.device("cpu") and str(device) == "cpu"
        with pytest.raises(ug.DeviceError, match="no accelerator"):
            ug.accelerator.set_device_index(0)
    ug.accelerator.synchronize()  # nothing queued: returns


def test_device_objects_work_where_names_do():
    d = ug.device("cpu")
    assert d == ug.device(d) == ug.device("cpu:0") and hash(d) == hash(ug.device("cpu"))
    assert (d.type, repr(d), f"{d}") == ("cpu", "device(type='cpu')", "cpu")
    made = [ug.tensor([1.0], device=d), ug.zeros(2, device=d), ug.full((2,), 1.0, device=d),
            ug.arange(3, device=d), ug.randn(2, device=d), ug.zeros_like(ug.ones(2), device=d),
            ug.ones(2).new_zeros(3, device=d), ug.ones(2).to(d), ug.ones(2).to(d, ug.float64),
            ug.ones(2).to(device=d, dtype=ug.float64)]
    assert all(t.device == d == "cpu" for t in made)
    assert made[-1].dtype is ug.float64
    model = ug.nn.LSTM(3, 4, device=d).to(d)
    assert all(p.device == d for p in model.parameters())
    loader = ug.utils.data.DataLoader([ug.ones(1)] * 3, batch_size=2, pin_memory=True, pin_memory_device=d,
                                      shuffle=True, generator=ug.Generator(device=d))
    assert [tuple(b.shape) for b in loader] == [(2, 1), (1, 1)]


def test_a_training_step_on_the_picked_device_matches_torch():
    device = ug.accelerator.current_accelerator() if ug.accelerator.is_available() else ug.device("cpu")
    torch.manual_seed(0)
    tm = torch.nn.Linear(3, 2)
    um = ug.nn.Linear(3, 2).to(device)
    um.load_state_dict({k: ug.tensor(v.detach().numpy(), device=device) for k, v in tm.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    tl = tm(torch.tensor(x)).pow(2).mean()
    ul = um(ug.tensor(x).to(device)).pow(2).mean()
    tl.backward()
    ul.backward()
    np.testing.assert_allclose(ul.item(), tl.item(), rtol=1e-6)
    np.testing.assert_allclose(um.weight.grad.cpu().numpy(), tm.weight.grad.numpy(), rtol=1e-5)
    buffer = io.BytesIO()
    ug.save(um.state_dict(), buffer)
    buffer.seek(0)
    back = ug.load(buffer, map_location=ug.device("cpu"))
    assert all(t.device == ug.device("cpu") for t in back.values())
