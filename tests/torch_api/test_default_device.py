"""torch.set_default_device / get_default_device: where results go when no device= is given
(checked with the meta device, the one other device every machine has)."""
import numpy as np
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
