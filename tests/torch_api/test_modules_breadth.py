"""The modules a PyTorch user reaches for next (issue 10, part 8), each against torch's with the
same weights: forward values, input and parameter gradients, state_dict names, and in float32
(what users run) F.interpolate's sampling positions."""
import numpy as np
import pytest
import torch

import unigrad as ug
from unigrad.errors import InvalidArgumentError, ShapeError


def _same_module(ours, theirs, *shapes, rtol=1e-5, atol=1e-6, train=True):
    """Copy theirs' parameters and buffers into ours, run both on the same float32 inputs, and compare
    outputs, input gradients and parameter gradients."""
    assert sorted(ours.state_dict()) == sorted(theirs.state_dict())
    ours.load_state_dict({k: ug.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    ours.train(train)
    theirs.train(train)
    arrays = [np.random.default_rng(i).standard_normal(s).astype(np.float32) for i, s in enumerate(shapes)]
    xs = [ug.tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, t = ours(*xs), theirs(*ts)
    np.testing.assert_allclose(y.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)
    w = np.random.default_rng(7).standard_normal(tuple(t.shape)).astype(np.float32)
    (y * ug.tensor(w)).sum().backward()
    (t * torch.tensor(w)).sum().backward()
    for a, b in zip(xs, ts):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=rtol * 10, atol=atol * 10)
    params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), params[name].grad.numpy(), rtol=rtol * 10, atol=atol * 10,
                                   err_msg=name)
    return ours, theirs


@pytest.mark.parametrize("make,shapes", [
    (lambda nn: nn.PReLU(), [(2, 3, 4)]), (lambda nn: nn.PReLU(3, init=0.1), [(2, 3, 4, 4)]),
    (lambda nn: nn.Softmax2d(), [(2, 3, 4, 4)]), (lambda nn: nn.PixelShuffle(2), [(2, 8, 3, 3)]),
    (lambda nn: nn.PixelUnshuffle(2), [(2, 2, 4, 6)]), (lambda nn: nn.Bilinear(5, 3, 4), [(6, 5), (6, 3)]),
    (lambda nn: nn.InstanceNorm2d(3), [(2, 3, 5, 5)]), (lambda nn: nn.InstanceNorm1d(4, affine=True), [(3, 4, 7)]),
    (lambda nn: nn.InstanceNorm3d(2), [(2, 2, 3, 3, 3)]),
    (lambda nn: nn.ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1), [(2, 4, 7)]),
    (lambda nn: nn.Conv3d(3, 4, 3, stride=(1, 2, 2), padding=1), [(2, 3, 5, 6, 6)]),
    (lambda nn: nn.Conv3d(4, 4, (2, 1, 3), groups=2, bias=False, dilation=(2, 1, 1)), [(1, 4, 5, 4, 6)]),
    (lambda nn: nn.MaxPool3d(2), [(2, 3, 4, 6, 6)]), (lambda nn: nn.MaxPool3d(3, stride=2, padding=1), [(1, 2, 5, 7, 6)]),
    (lambda nn: nn.Upsample(scale_factor=2), [(1, 2, 3, 4)]),
    (lambda nn: nn.Upsample(size=(5, 7), mode="bilinear"), [(2, 2, 3, 4)]),
    (lambda nn: nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True), [(1, 3, 4, 3)]),
    (lambda nn: nn.UpsamplingBilinear2d(scale_factor=2), [(1, 2, 3, 3)]),
    (lambda nn: nn.UpsamplingNearest2d(size=5), [(1, 2, 3, 3)]),
    (lambda nn: nn.Upsample(scale_factor=1.5, mode="linear"), [(2, 3, 5)]),
    (lambda nn: nn.Upsample(scale_factor=2, mode="trilinear"), [(1, 2, 2, 3, 3)]),
])
def test_module_matches_torch(make, shapes):
    ours, theirs = make(ug.nn), make(torch.nn)
    assert repr(ours) == repr(theirs)
    _same_module(ours, theirs, *shapes)


def test_instance_norm_running_stats_match_torch():
    ours, theirs = ug.nn.InstanceNorm2d(3, affine=True, track_running_stats=True), \
        torch.nn.InstanceNorm2d(3, affine=True, track_running_stats=True)
    _same_module(ours, theirs, (4, 3, 5, 5))
    for name in ("running_mean", "running_var"):
        np.testing.assert_allclose(getattr(ours, name).numpy(), getattr(theirs, name).numpy(), rtol=1e-5, atol=1e-7)
    _same_module(ours, theirs, (2, 3, 4, 4), train=False)  # eval: normalised by the running statistics


def test_unbatched_inputs_match_torch():
    for ours, theirs, shape in [(ug.nn.InstanceNorm2d(3), torch.nn.InstanceNorm2d(3), (3, 4, 4)),
                                (ug.nn.Conv3d(2, 3, 2), torch.nn.Conv3d(2, 3, 2), (2, 3, 3, 3)),
                                (ug.nn.MaxPool3d(2), torch.nn.MaxPool3d(2), (2, 4, 4, 4))]:
        _same_module(ours, theirs, shape)


@pytest.mark.parametrize("kw", [{"scale_factor": 1.7}, {"scale_factor": 0.6}, {"size": (9, 2)},
                                {"scale_factor": 3, "mode": "nearest-exact"},
                                {"scale_factor": 1.3, "mode": "bilinear"}, {"size": (3, 11), "mode": "bilinear"},
                                {"scale_factor": 2.5, "mode": "bilinear", "recompute_scale_factor": True},
                                {"size": (6, 1), "mode": "bilinear", "align_corners": True}])
def test_interpolate_float32_positions_match_torch(kw):
    x = np.random.default_rng(3).standard_normal((2, 3, 7, 5)).astype(np.float32)
    y = ug.nn.functional.interpolate(ug.tensor(x), **kw)
    t = torch.nn.functional.interpolate(torch.tensor(x), **kw)
    np.testing.assert_allclose(y.numpy(), t.numpy(), rtol=1e-5, atol=1e-6)


def test_interpolate_errors_say_what_to_do():
    with pytest.raises(InvalidArgumentError, match="exactly one of size and scale_factor"):
        ug.nn.functional.interpolate(ug.ones(1, 1, 4), size=3, scale_factor=2)
    with pytest.raises(ShapeError, match="mode 'bilinear' needs 4-D input"):
        ug.nn.functional.interpolate(ug.ones(1, 1, 4), size=3, mode="bilinear")
    with pytest.raises(InvalidArgumentError, match="mode 'lanczos' is not supported"):
        ug.nn.functional.interpolate(ug.ones(1, 1, 4, 4), size=3, mode="lanczos")
    with pytest.raises(ShapeError, match="mode 'bicubic' needs 4-D input"):
        ug.nn.functional.interpolate(ug.ones(1, 1, 4), size=3, mode="bicubic")
    with pytest.raises(ShapeError, match="prelu: weight must hold 1 or 3"):
        ug.nn.functional.prelu(ug.ones(2, 3), ug.ones(2))
    with pytest.raises(ShapeError, match=r"pixel_shuffle: expected \(\*, C \* 2\^2, H, W\)"):
        ug.nn.PixelShuffle(2)(ug.ones(1, 6, 2, 2))


@pytest.mark.parametrize("make", [
    lambda nn: nn.LogSigmoid(), lambda nn: nn.Hardsigmoid(), lambda nn: nn.Hardswish(), lambda nn: nn.Mish(),
    lambda nn: nn.SELU(), lambda nn: nn.CELU(0.7), lambda nn: nn.Softsign(), lambda nn: nn.Tanhshrink(),
    lambda nn: nn.Threshold(0.1, -3.0), lambda nn: nn.Hardshrink(0.3), lambda nn: nn.Softshrink(), lambda nn: nn.Hardtanh(-0.5, 2.0),
    lambda nn: nn.Softmin(dim=1), lambda nn: nn.GLU(), lambda nn: nn.GLU(dim=1)])
def test_activation_modules_match_torch(make):
    ours, theirs = make(ug.nn), make(torch.nn)
    assert repr(ours) == repr(theirs)
    _same_module(ours, theirs, (3, 4, 6))


@pytest.mark.parametrize("make,inputs", [
    (lambda nn: nn.KLDivLoss(reduction="batchmean"), "kl"), (lambda nn: nn.KLDivLoss(reduction="sum", log_target=True), "kl"),
    (lambda nn: nn.MarginRankingLoss(margin=0.2), "rank"), (lambda nn: nn.HingeEmbeddingLoss(margin=0.5), "sign"),
    (lambda nn: nn.SoftMarginLoss(), "sign"), (lambda nn: nn.MultiLabelSoftMarginLoss(), "multilabel"),
    (lambda nn: nn.CosineEmbeddingLoss(margin=0.1), "cos"), (lambda nn: nn.TripletMarginLoss(margin=1.5, swap=True), "triplet"),
    (lambda nn: nn.PoissonNLLLoss(), "poisson"), (lambda nn: nn.PoissonNLLLoss(log_input=False, full=True), "poisson_pos"),
    (lambda nn: nn.GaussianNLLLoss(), "gauss"), (lambda nn: nn.CosineSimilarity(dim=1), "pair"),
    (lambda nn: nn.PairwiseDistance(p=1.0), "pair")])
def test_loss_and_distance_modules_match_torch(make, inputs):
    rng = np.random.default_rng(12)
    x, y, z = (rng.standard_normal((4, 5)) for _ in range(3))
    sign1 = np.where(rng.standard_normal(4) > 0, 1.0, -1.0)
    p = np.exp(x) / np.exp(x).sum(1, keepdims=True)
    q = np.exp(y) / np.exp(y).sum(1, keepdims=True)
    arrays, grad = {"kl": ([np.log(p), q], [0]), "rank": ([x[:, 0], y[:, 0], sign1], [0, 1]),
                    "sign": ([x, np.where(y > 0, 1.0, -1.0)], [0]), "multilabel": ([x, (y > 0) * 1.0], [0]),
                    "cos": ([x, y, sign1], [0, 1]), "triplet": ([x, y, z], [0, 1, 2]),
                    "poisson": ([x, np.round(np.abs(y) * 3)], [0]), "poisson_pos": ([np.abs(x) + 0.1, np.round(np.abs(y) * 3)], [0]),
                    "gauss": ([x, y, np.abs(z) + 0.1], [0, 2]), "pair": ([x, y], [0, 1])}[inputs]
    ours, theirs = make(ug.nn), make(torch.nn)
    if getattr(theirs, "log_target", False):
        arrays = [np.log(p), np.log(q)]  # (log-probability targets)
    us = [ug.tensor(a, requires_grad=i in grad) for i, a in enumerate(arrays)]
    ts = [torch.tensor(a, requires_grad=i in grad) for i, a in enumerate(arrays)]
    a, b = ours(*us), theirs(*ts)
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)
    a.sum().backward()
    b.sum().backward()
    for i in grad:
        np.testing.assert_allclose(us[i].grad.numpy(), ts[i].grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("make,shape", [
    (lambda nn: nn.ZeroPad1d((2, 1)), (2, 3, 5)), (lambda nn: nn.ZeroPad2d(1), (2, 3, 4, 4)),
    (lambda nn: nn.ConstantPad2d((1, 0, 2, 1), 0.5), (2, 3, 4, 4)), (lambda nn: nn.ConstantPad3d(1, -1.0), (1, 2, 2, 3, 3)),
    (lambda nn: nn.ReflectionPad1d(2), (2, 3, 5)), (lambda nn: nn.ReflectionPad2d((1, 0, 2, 1)), (2, 3, 4, 4)),
    (lambda nn: nn.ReflectionPad3d(1), (1, 2, 3, 3, 3)), (lambda nn: nn.ReplicationPad1d((3, 1)), (2, 3, 5)),
    (lambda nn: nn.ReplicationPad2d(2), (2, 3, 4, 4)), (lambda nn: nn.ReplicationPad3d(1), (1, 2, 2, 3, 3)),
    (lambda nn: nn.CircularPad1d(2), (2, 3, 5)), (lambda nn: nn.CircularPad2d((1, 2, 0, 1)), (2, 3, 4, 4)),
    (lambda nn: nn.MaxPool1d(3, stride=2, padding=1), (2, 3, 9)), (lambda nn: nn.AvgPool1d(2), (2, 3, 8)),
    (lambda nn: nn.AdaptiveAvgPool1d(3), (2, 3, 8)), (lambda nn: nn.AdaptiveMaxPool1d(3), (2, 3, 8)),
    (lambda nn: nn.AdaptiveMaxPool2d((2, 3)), (2, 3, 7, 5)), (lambda nn: nn.AdaptiveMaxPool2d(4), (3, 6, 6))])
def test_padding_and_pooling_modules_match_torch(make, shape):
    ours, theirs = make(ug.nn), make(torch.nn)
    assert repr(ours) == repr(theirs)
    _same_module(ours, theirs, shape)


def test_pad_modes_refuse_what_torch_refuses():
    with pytest.raises(ShapeError, match=r"reflect padding \(3, 3\) must be smaller than the dim's size 3"):
        ug.nn.functional.pad(ug.ones(1, 1, 3), (3, 3), mode="reflect")
    with pytest.raises(InvalidArgumentError, match="mode must be 'constant', 'reflect'"):
        ug.nn.functional.pad(ug.ones(1, 1, 3), (1, 1), mode="mirror")


@pytest.mark.parametrize("make,shape", [
    (lambda nn: nn.RMSNorm(4), (2, 3, 4)), (lambda nn: nn.RMSNorm((3, 4), eps=1e-5), (2, 3, 4)),
    (lambda nn: nn.ChannelShuffle(3), (2, 6, 3, 3)), (lambda nn: nn.Unfold((2, 3), padding=1, stride=2), (2, 3, 6, 5)),
    (lambda nn: nn.Fold((5, 4), 2), (2, 8, 12)), (lambda nn: nn.BatchNorm3d(3), (2, 3, 2, 3, 3))])
def test_more_modules_match_torch(make, shape):
    ours, theirs = make(ug.nn), make(torch.nn)
    if not isinstance(theirs, torch.nn.BatchNorm3d):
        assert repr(ours) == repr(theirs)
    _same_module(ours, theirs, shape)


def test_fold_inverts_unfold_up_to_overlap_counts_and_alpha_dropout_keeps_moments():
    x = ug.randn(2, 3, 6, 6)
    cols = ug.nn.functional.unfold(x, 3, padding=1)
    counts = ug.nn.functional.fold(ug.ones_like(cols), (6, 6), 3, padding=1)
    np.testing.assert_allclose((ug.nn.functional.fold(cols, (6, 6), 3, padding=1) / counts).numpy(), x.numpy(), rtol=1e-6)
    y = ug.nn.functional.alpha_dropout(ug.randn(200000), 0.3, training=True).numpy()
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1) < 0.02
    t = torch.nn.functional.alpha_dropout(torch.randn(200000), 0.3, training=True).numpy()
    assert abs(t.mean()) < 0.02 and abs(t.std() - 1) < 0.02


def test_multi_margin_loss_module_matches_torch():
    x = np.random.default_rng(13).standard_normal((5, 4))
    target = np.array([0, 3, 1, 2, 2])
    w = np.array([1.0, 0.5, 2.0, 1.5])
    for kw in ({}, {"p": 2, "margin": 0.7}, {"weight": "w", "reduction": "sum"}):
        ours_kw = {k: (ug.tensor(w) if v == "w" else v) for k, v in kw.items()}
        theirs_kw = {k: (torch.tensor(w) if v == "w" else v) for k, v in kw.items()}
        a, b = ug.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        la = ug.nn.MultiMarginLoss(**ours_kw)(a, ug.tensor(target))
        lb = torch.nn.MultiMarginLoss(**theirs_kw)(b, torch.tensor(target))
        np.testing.assert_allclose(la.detach().numpy(), lb.detach().numpy(), rtol=1e-12)
        la.backward()
        lb.backward()
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("make,shape", [
    (lambda nn: nn.ConvTranspose3d(3, 4, 3, stride=2, padding=1, output_padding=1), (2, 3, 2, 3, 3)),
    (lambda nn: nn.ConvTranspose3d(4, 4, (2, 3, 1), groups=2, bias=False), (1, 4, 3, 2, 3)),
    (lambda nn: nn.AvgPool3d(2), (2, 3, 4, 4, 4)), (lambda nn: nn.AvgPool3d(3, stride=2, padding=1), (1, 2, 5, 6, 5)),
    (lambda nn: nn.AdaptiveAvgPool3d((2, 3, 1)), (2, 2, 5, 7, 3))])
def test_3d_modules_match_torch(make, shape):
    ours, theirs = make(ug.nn), make(torch.nn)
    assert repr(ours) == repr(theirs)
    _same_module(ours, theirs, shape)


@pytest.mark.parametrize("kw,call", [({"mode": "mean"}, "offsets"), ({"mode": "sum"}, "rows"), ({"mode": "max"}, "offsets"),
                                     ({"mode": "mean", "padding_idx": 2}, "offsets"),
                                     ({"mode": "sum", "include_last_offset": True}, "weights")])
def test_embedding_bag_matches_torch(kw, call):
    ours, theirs = ug.nn.EmbeddingBag(8, 3, **kw), torch.nn.EmbeddingBag(8, 3, **kw)
    assert repr(ours) == repr(theirs)
    ours.load_state_dict({"weight": ug.tensor(theirs.weight.detach().numpy())})
    idx = [1, 2, 4, 5, 4, 3, 2, 7]
    if call == "rows":
        a, b = ours(ug.tensor(idx).reshape(2, 4)), theirs(torch.tensor(idx).reshape(2, 4))
    elif call == "offsets":
        a, b = ours(ug.tensor(idx), ug.tensor([0, 3, 3])), theirs(torch.tensor(idx), torch.tensor([0, 3, 3]))
    else:
        w = np.linspace(0.5, 2.0, 8).astype(np.float32)
        a = ours(ug.tensor(idx), ug.tensor([0, 5, 8]), per_sample_weights=ug.tensor(w))
        b = theirs(torch.tensor(idx), torch.tensor([0, 5, 8]), per_sample_weights=torch.tensor(w))
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6, atol=1e-7)
    a.sum().backward()
    b.sum().backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-6, atol=1e-7)


def test_parameter_containers_register_like_torch():
    def build(nn, lib):
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.ws = nn.ParameterList([nn.Parameter(lib.ones(2, 2) * (i + 1)) for i in range(2)])
                self.ws.append(lib.eye(2))
                self.d = nn.ParameterDict({"scale": lib.full((2,), 0.5)})
                self.d["shift"] = nn.Parameter(lib.zeros(2))

            def forward(self, x):
                for w in self.ws:
                    x = x @ w
                return x * self.d["scale"] + self.d["shift"]
        return Net()
    ours, theirs = build(ug.nn, ug), build(torch.nn, torch)
    assert [k for k, _ in ours.named_parameters()] == [k for k, _ in theirs.named_parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    a, b = ours(ug.ones(1, 2)).sum(), theirs(torch.ones(1, 2)).sum()
    a.backward()
    b.backward()
    for (_, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy())
    assert len(ours.ws) == 3 and "shift" in ours.d and isinstance(ours.ws[2], ug.nn.Parameter)
