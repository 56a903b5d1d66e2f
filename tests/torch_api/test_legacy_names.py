"""The small torch names real programs hit (issue 10, part 8): legacy typed constructors,
Tensor.type, format specs, range indices, nn.init on any tensor, torch.nn.modules.<file> paths
and the channel Dropout modules, each against what torch does with the same call."""
import importlib
import warnings

import numpy as np
import pytest
import torch

import unigrad as ug
from unigrad.errors import DtypeError, InvalidArgumentError
from unigrad.nn import init


def _dtype_name(t):
    return str(t.dtype).split(".")[-1]


@pytest.mark.parametrize("name", ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor",
                                  "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor"])
def test_legacy_constructors_match_torch(name):
    ours, theirs = getattr(ug, name), getattr(torch, name)
    for args in [(3,), (2, 3), ()]:
        a, b = ours(*args), theirs(*args)
        assert tuple(a.shape) == tuple(b.shape) and _dtype_name(a) == _dtype_name(b)
    data = [[1, 0], [3, 4]]
    a, b = ours(data), theirs(data)
    assert _dtype_name(a) == _dtype_name(b)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert tuple(ours(ug.Size([2, 5])).shape) == tuple(theirs(torch.Size([2, 5])).shape)
    assert isinstance(a, ours) and not isinstance(a, ug.FloatTensor if name != "FloatTensor" else ug.LongTensor)


def test_legacy_constructor_of_a_tensor_of_another_dtype_is_refused():
    with pytest.raises(InvalidArgumentError, match=r"LongTensor\(tensor\).*t.type\(LongTensor\)"):
        ug.LongTensor(ug.ones(2))
    x = ug.ones(2)
    assert ug.FloatTensor(x) is x


def test_tensor_type_matches_torch():
    data = [1.7, -2.2, 0.5]
    a, b = ug.tensor(data), torch.tensor(data)
    assert a.type() == b.type() == "torch.FloatTensor"
    assert ug.tensor([1, 2]).type() == torch.tensor([1, 2]).type()
    for ours, theirs in [(ug.LongTensor, torch.LongTensor), ("torch.DoubleTensor", "torch.DoubleTensor"),
                         (ug.int32, torch.int32), ("torch.ByteTensor", "torch.ByteTensor")]:
        x, y = a.type(ours), b.type(theirs)
        assert _dtype_name(x) == _dtype_name(y)
        np.testing.assert_array_equal(x.numpy(), y.numpy())
    assert a.type(ug.FloatTensor) is a
    with pytest.raises(DtypeError, match="Tensor.type: unknown type 'torch.NopeTensor'"):
        a.type("torch.NopeTensor")


def test_tensor_type_keeps_the_gradient():
    a = ug.tensor([1.0, 2.0], requires_grad=True)
    a.type(ug.DoubleTensor).pow(2).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [2.0, 4.0])


@pytest.mark.parametrize("spec", [".4f", "", ">10.2e", "g", "%"])
def test_format_spec_of_a_scalar_tensor_matches_torch(spec):
    assert format(ug.tensor(0.123456), spec) == format(torch.tensor(0.123456), spec)
    assert format(ug.tensor(7), spec.replace("%", "d")) == format(torch.tensor(7), spec.replace("%", "d"))


def test_format_spec_of_a_vector_is_refused_clearly():
    with pytest.raises(TypeError, match=r"needs a 0-d tensor, got shape \(3,\)"):
        f"{ug.ones(3):.2f}"
    assert f"{ug.ones(2)}" == str(ug.ones(2))


@pytest.mark.parametrize("index", [range(1, 4), range(5, 0, -2), range(0), (range(2), 1)])
def test_indexing_with_a_range_matches_torch(index):
    a, b = ug.arange(24.0).reshape(6, 4), torch.arange(24.0).reshape(6, 4)
    np.testing.assert_array_equal(a[index].numpy(), b[index].numpy())
    a[index] = -1.0
    b[index] = -1.0
    np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("make", [lambda: ug.empty(64, 32), lambda: ug.empty(64, 32, requires_grad=True),
                                  lambda: ug.zeros(64, 64)[:, ::2], lambda: ug.nn.Parameter(ug.empty(64, 32))])
def test_init_works_on_any_tensor(make):
    for fn, args, check in [
            (init.uniform_, (-0.5, 0.5), lambda a: -0.5 <= a.min() and a.max() <= 0.5),
            (init.normal_, (1.0, 0.1), lambda a: abs(a.mean() - 1) < 0.02),
            (init.constant_, (0.25,), lambda a: (a == 0.25).all()),
            (init.xavier_uniform_, (), lambda a: abs(a).max() <= np.sqrt(6 / 96)),
            (init.kaiming_normal_, (), lambda a: abs(a.std() - np.sqrt(2 / 32)) < 0.03),
            (init.trunc_normal_, (0.0, 1.0, -1.0, 1.0), lambda a: -1 <= a.min() and a.max() <= 1),
            (init.orthogonal_, (), lambda a: np.allclose(a.T @ a, np.eye(32), atol=1e-5)),
            (init.eye_, (), lambda a: (a == np.eye(64, 32)).all())]:
        t = make()
        assert fn(t, *args) is t
        assert check(t.detach().numpy().astype(np.float64)), fn.__name__
    base = ug.zeros(4, 6)
    init.ones_(base[:, ::2])  # a view writes through to its base, as torch
    assert base.numpy()[:, ::2].all() and not base.numpy()[:, 1::2].any()


def test_init_matches_torch_for_deterministic_initialisers():
    for shape in [(4, 2, 3), (6, 3, 3, 3), (4, 4, 1, 3, 3)]:
        a, b = ug.empty(*shape), torch.empty(*shape)
        init.dirac_(a, groups=2)
        torch.nn.init.dirac_(b, groups=2)
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    a, b = ug.empty(20, 6), torch.empty(20, 6)
    init.sparse_(a, 0.3)
    torch.nn.init.sparse_(b, 0.3)
    np.testing.assert_array_equal((a.numpy() == 0).sum(0), (b.numpy() == 0).sum(0))
    for name in ["conv3d", "conv_transpose1d", "selu", "tanh"]:
        assert init.calculate_gain(name) == torch.nn.init.calculate_gain(name)
    g = ug.Generator().manual_seed(5)
    first = init.normal_(ug.empty(4), generator=g).numpy().copy()
    g.manual_seed(5)
    np.testing.assert_array_equal(init.normal_(ug.empty(4), generator=g).numpy(), first)
    with pytest.warns(FutureWarning, match="xavier_uniform_"):
        init.xavier_uniform(ug.empty(3, 3))


@pytest.mark.parametrize("path,names", [
    ("linear", ["Linear", "Identity", "Bilinear"]),
    ("conv", ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]),
    ("pooling", ["MaxPool2d", "AvgPool2d", "MaxPool3d", "MaxPool1d", "AdaptiveMaxPool2d", "AvgPool3d"]), ("activation", ["ReLU", "Tanh", "Softmax", "PReLU", "Softmax2d", "Mish", "GLU", "MultiheadAttention"]),
    ("pixelshuffle", ["PixelShuffle", "PixelUnshuffle"]), ("upsampling", ["Upsample", "UpsamplingBilinear2d"]),
    ("instancenorm", ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"]),
    ("distance", ["CosineSimilarity", "PairwiseDistance"]), ("fold", ["Fold", "Unfold"]),
    ("channelshuffle", ["ChannelShuffle"]), ("padding", ["ZeroPad2d", "ReflectionPad2d", "ConstantPad1d"]),
    ("batchnorm", ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d"]), ("normalization", ["LayerNorm", "GroupNorm", "RMSNorm"]),
    ("dropout", ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout"]), ("sparse", ["Embedding", "EmbeddingBag"]),
    ("flatten", ["Flatten", "Unflatten"]), ("loss", ["CrossEntropyLoss", "MSELoss", "KLDivLoss", "TripletMarginLoss"]),
    ("container", ["Sequential", "ModuleList", "ParameterList", "ParameterDict"]), ("module", ["Module"])])
def test_torch_nn_modules_file_paths(path, names):
    ours = importlib.import_module(f"unigrad.nn.modules.{path}")
    theirs = importlib.import_module(f"torch.nn.modules.{path}")
    for name in names:
        assert hasattr(theirs, name)
        assert getattr(ours, name) is getattr(ug.nn, name)


def test_dropout_modules_match_torch():
    for ours, theirs, shape in [(ug.nn.Dropout1d, torch.nn.Dropout1d, (2, 3, 4)),
                                (ug.nn.Dropout2d, torch.nn.Dropout2d, (2, 3, 4, 4)),
                                (ug.nn.Dropout3d, torch.nn.Dropout3d, (2, 3, 2, 2, 2))]:
        m, t = ours(0.25), theirs(0.25)
        assert repr(m) == repr(t)
        y = m(ug.ones(*shape)).numpy()
        dims = tuple(range(2, len(shape)))
        assert ((y == 0).all(dims) | (y == np.float32(1 / 0.75)).all(dims)).all()
        x = ug.ones(*shape)
        assert m.eval()(x) is x
    with pytest.raises(InvalidArgumentError, match=r"Dropout2d: p must be in \[0, 1\]"):
        ug.nn.Dropout2d(2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ug.nn.Dropout2d(0.5)(ug.ones(2, 3, 4, 4))  # the 4-D input of its kind does not warn


@pytest.mark.parametrize("make", [lambda L: L.zeros(3, 4), lambda L: L.zeros(3, 4).t(), lambda L: L.zeros(4, 6)[:, ::2],
                                  lambda L: L.zeros(2, 3, dtype=L.float64), lambda L: L.zeros(())])
def test_tensor_layout_facts_match_torch(make):
    a, b = make(ug), make(torch)
    assert a.stride() == b.stride() and a.is_contiguous() == b.is_contiguous()
    assert (a.element_size(), a.nelement(), a.ndimension()) == (b.element_size(), b.nelement(), b.ndimension())
