"""The 'meta' device: shapes and dtypes without data, through every op's shape rule."""
import pytest

import unigrad as ug


def test_a_model_runs_on_the_meta_device_to_give_its_output_shape():
    model = ug.nn.Sequential(ug.nn.Conv2d(1, 20, 5), ug.nn.MaxPool2d(2), ug.nn.Conv2d(20, 50, 5), ug.nn.MaxPool2d(2),
                             ug.nn.Flatten(), ug.nn.Linear(800, 500), ug.nn.ReLU(), ug.nn.Linear(500, 10))
    model.to("meta")
    with ug.no_grad():
        out = model(ug.empty(64, 1, 28, 28, device="meta"))
    assert out.device == "meta" and tuple(out.shape) == (64, 10) and out.dtype is ug.float32
    assert "device='meta'" in repr(out)


def test_meta_tensors_have_no_values():
    t = ug.zeros(2, 3, device="meta")
    for read in (t.numpy, t.tolist, ug.zeros(1, device="meta").item, lambda: t.cpu()):
        with pytest.raises(ug.DeviceError, match="no values"):
            read()


def test_shape_errors_on_meta_are_the_ops_own():
    a, b = ug.empty(3, 4, device="meta"), ug.empty(5, 6, device="meta")
    with pytest.raises(ug.ShapeError, match="cannot be multiplied"):
        a @ b
    with pytest.raises(ug.DeviceError, match="one device"):
        a + ug.zeros(3, 4)


def test_moving_to_meta_inside_a_compiled_function_is_recorded():
    f = ug.jit(lambda x: (x * 2).to("meta"))
    for _ in range(2):  # traced, then run from the graph
        out = f(ug.ones(3))
        assert out.device == "meta" and tuple(out.shape) == (3,)
    assert [n.op.name for n in f.graph.nodes] == ["mul", "to_device"]
