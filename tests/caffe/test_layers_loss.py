"""Part 2: loss layers and Accuracy against Caffe's formulas (normalisation modes, ignore_label,
loss weights) and finite differences; SoftmaxWithLoss also against PyTorch's cross_entropy."""
import numpy as np
import pytest
import torch

from unigrad import caffe

from .layer_check import build, check

RNG = np.random.default_rng(3)


def softmax(x, axis=1):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def softmax_loss_ref(x, label, mode="VALID", ignore=None):
    """Caffe's softmax_loss_layer.cpp: classes on axis 1, labels N x (H x W)."""
    p = softmax(x, 1)
    n, c = x.shape[:2]
    p = p.reshape(n, c, -1)
    label = label.reshape(n, -1).astype(int)
    loss, count = 0.0, 0
    for i in range(n):
        for j in range(p.shape[2]):
            if ignore is not None and label[i, j] == ignore:
                continue
            loss -= np.log(max(p[i, label[i, j], j], np.finfo(np.float32).tiny))
            count += 1
    normalizer = {"FULL": n * p.shape[2], "VALID": count, "BATCH_SIZE": n, "NONE": 1}[mode]
    return loss / max(1.0, normalizer)


@pytest.mark.parametrize("mode", ["VALID", "FULL", "BATCH_SIZE", "NONE"])
@pytest.mark.parametrize("ignore", [None, 1])
def test_softmax_with_loss_normalisations(mode, ignore):
    x = RNG.standard_normal((3, 4, 2, 2))
    label = RNG.integers(0, 4, (3, 2, 2)).astype(float)
    ignore_text = f"ignore_label: {ignore}" if ignore is not None else ""
    layer = (f'layer {{ name: "L" type: "SoftmaxWithLoss" bottom: "b0" bottom: "b1" top: "t0" '
             f'loss_param {{ normalization: {mode} {ignore_text} }} }}')
    check(layer, [x, label], lambda bs, ps: [softmax_loss_ref(bs[0], bs[1], mode, ignore)], ["t0"], diff_bottoms=[0])


def test_softmax_with_loss_matches_torch_and_deprecated_normalize():
    x, label = RNG.standard_normal((8, 10)), RNG.integers(0, 10, 8).astype(float)
    net = check('layer { name: "L" type: "SoftmaxWithLoss" bottom: "b0" bottom: "b1" top: "t0" }', [x, label],
                lambda bs, ps: [softmax_loss_ref(bs[0], bs[1])], ["t0"], diff_bottoms=[0])
    tx = torch.tensor(x, dtype=torch.float32, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(tx, torch.tensor(label).long())
    loss.backward()
    np.testing.assert_allclose(net.blobs["t0"].data, loss.item(), rtol=1e-5)
    np.testing.assert_allclose(net.blobs["b0"].diff, tx.grad.numpy(), rtol=1e-4, atol=1e-7)
    # normalize: false (honoured when normalization is absent) is BATCH_SIZE
    x, label = RNG.standard_normal((2, 3, 2, 2)), RNG.integers(0, 3, (2, 2, 2)).astype(float)
    check('layer { name: "L" type: "SoftmaxWithLoss" bottom: "b0" bottom: "b1" top: "t0" '
          'loss_param { normalize: false ignore_label: 0 } }', [x, label],
          lambda bs, ps: [softmax_loss_ref(bs[0], bs[1], "BATCH_SIZE", 0)], ["t0"], diff_bottoms=[0])


def test_loss_weight_scales_loss_and_gradient_and_probability_top():
    x, label = RNG.standard_normal((4, 3)), RNG.integers(0, 3, 4).astype(float)
    net = check('layer { name: "L" type: "SoftmaxWithLoss" bottom: "b0" bottom: "b1" top: "t0" top: "t1" '
                'loss_weight: 0.3 loss_weight: 0 }', [x, label],
                lambda bs, ps: [softmax_loss_ref(bs[0], bs[1]), softmax(bs[0])], ["t0", "t1"], diff_bottoms=[0])
    assert net.blob_loss_weights()["t0"] == pytest.approx(0.3)
    net.forward(b0=x, b1=label)
    assert net.loss() == pytest.approx(0.3 * softmax_loss_ref(x, label), rel=1e-5)
    with pytest.raises(caffe.NetDefinitionError, match="explicit loss_weight per top"):
        build('layer { name: "L" type: "SoftmaxWithLoss" bottom: "b0" bottom: "b1" top: "t0" top: "t1" }',
              [(4, 3), (4,)])


def test_label_bottoms_get_no_gradient():
    x, label = RNG.standard_normal((4, 3)), RNG.integers(0, 3, 4).astype(float)
    net = build('layer { name: "L" type: "SoftmaxWithLoss" bottom: "b0" bottom: "b1" top: "t0" }', [x.shape, label.shape])
    net.forward(b0=x, b1=label)
    net.backward()
    assert not net.blobs["b1"].diff.any() and net.blobs["b0"].diff.any()


def test_euclidean_loss_gives_both_bottoms_gradients():
    a, b = RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3))
    check('layer { name: "L" type: "EuclideanLoss" bottom: "b0" bottom: "b1" top: "t0" }', [a, b],
          lambda bs, ps: [((bs[0] - bs[1]) ** 2).sum() / 8], ["t0"])


@pytest.mark.parametrize("param,norm", [("", "BATCH_SIZE"), ("loss_param { normalization: VALID ignore_label: -1 }",
                                                               "VALID")])
def test_sigmoid_cross_entropy_loss(param, norm):
    x = RNG.standard_normal((3, 4)) * 3
    t = RNG.integers(0, 2, (3, 4)).astype(float)
    if "ignore" in param:
        t[0, :2] = -1

    def ref(bs, ps):
        x, t = bs
        keep = t != -1 if "ignore" in param else np.ones_like(t, bool)
        pos = (x >= 0).astype(float)
        terms = -(x * (t - pos) - np.log(1 + np.exp(x - 2 * x * pos)))
        total = (terms * keep).sum()
        return [total / (keep.sum() if norm == "VALID" else 3)]
    check(f'layer {{ name: "L" type: "SigmoidCrossEntropyLoss" bottom: "b0" bottom: "b1" top: "t0" {param} }}', [x, t],
          ref, ["t0"], diff_bottoms=[0])


@pytest.mark.parametrize("norm", ["L1", "L2"])
def test_hinge_loss(norm):
    x, label = RNG.standard_normal((4, 5)), RNG.integers(0, 5, 4).astype(float)

    def ref(bs, ps):
        sign = -np.ones_like(bs[0])
        sign[np.arange(4), bs[1].astype(int)] = 1
        margin = np.maximum(0, 1 - sign * bs[0])
        return [(margin if norm == "L1" else margin ** 2).sum() / 4]
    check(f'layer {{ name: "L" type: "HingeLoss" bottom: "b0" bottom: "b1" top: "t0" hinge_loss_param {{ norm: {norm} }} }}',
          [x, label], ref, ["t0"], diff_bottoms=[0])


@pytest.mark.parametrize("legacy", [False, True])
def test_contrastive_loss(legacy):
    a, b = RNG.standard_normal((6, 3)) * 0.5, RNG.standard_normal((6, 3)) * 0.5
    y = np.array([1, 0, 1, 0, 0, 1], float)

    def ref(bs, ps):
        d2 = ((bs[0] - bs[1]) ** 2).sum(1)
        far = np.maximum(1.5 - d2, 0) if legacy else np.maximum(1.5 - np.sqrt(d2), 0) ** 2
        return [(bs[2] * d2 + (1 - bs[2]) * far).sum() / 12]
    check(f'layer {{ name: "L" type: "ContrastiveLoss" bottom: "b0" bottom: "b1" bottom: "b2" top: "t0" '
          f'contrastive_loss_param {{ margin: 1.5 legacy_version: {str(legacy).lower()} }} }}', [a, b, y], ref, ["t0"],
          diff_bottoms=[0, 1], grad_rtol=2e-3, grad_atol=1e-3)


def test_multinomial_logistic_and_infogain_losses(tmp_path):
    p = softmax(RNG.standard_normal((4, 3)))
    label = np.array([0, 2, 1, 2], float)
    check('layer { name: "L" type: "MultinomialLogisticLoss" bottom: "b0" bottom: "b1" top: "t0" }', [p, label],
          lambda bs, ps: [-np.log(bs[0][np.arange(4), bs[1].astype(int)]).sum() / 4], ["t0"], diff_bottoms=[0])
    x = RNG.standard_normal((4, 3))
    h = np.array([[1.0, 0.5, 0.0], [0.2, 1.0, 0.1], [0.0, 0.3, 1.0]])

    def ref(bs, ps):
        prob = softmax(bs[0])
        return [-(bs[2][bs[1].astype(int)] * np.log(prob)).sum() / 4]
    check('layer { name: "L" type: "InfogainLoss" bottom: "b0" bottom: "b1" bottom: "b2" top: "t0" }', [x, label, h],
          ref, ["t0"], diff_bottoms=[0])
    from unigrad.caffe.blobs import write_array
    write_array(str(tmp_path / "h.binaryproto"), h.reshape(1, 1, 3, 3), legacy=True)
    check(f'layer {{ name: "L" type: "InfogainLoss" bottom: "b0" bottom: "b1" top: "t0" '
          f'infogain_loss_param {{ source: "{tmp_path / "h.binaryproto"}" }} }}', [x, label],
          lambda bs, ps: ref(bs + [h], ps), ["t0"], diff_bottoms=[0])
    # the identity matrix is SoftmaxWithLoss
    net = check('layer { name: "L" type: "InfogainLoss" bottom: "b0" bottom: "b1" bottom: "b2" top: "t0" }',
                [x, label, np.eye(3)], lambda bs, ps: [softmax_loss_ref(bs[0], bs[1])], ["t0"], check_grads=False)
    assert net.blobs["t0"].data == pytest.approx(softmax_loss_ref(x, label), rel=1e-5)


def accuracy_ref(x, label, top_k=1, ignore=None):
    """Caffe's accuracy_layer.cpp: ties with the true class count against it."""
    correct = count = 0
    for scores, y in zip(x, label.astype(int)):
        if ignore is not None and y == ignore:
            continue
        correct += (scores >= scores[y]).sum() - 1 < top_k
        count += 1
    return correct / count if count else 0.0


def test_accuracy_top_k_ignore_label_ties_and_per_class():
    x = RNG.standard_normal((20, 5))
    x[0] = [1, 1, 0, 0, 0]  # a tie with the true class
    label = RNG.integers(0, 5, 20).astype(float)
    label[0] = 1
    for param, k, ignore in (("", 1, None), ("accuracy_param { top_k: 3 }", 3, None),
                             ("accuracy_param { ignore_label: 2 }", 1, 2)):
        check(f'layer {{ name: "L" type: "Accuracy" bottom: "b0" bottom: "b1" top: "t0" {param} }}', [x, label],
              lambda bs, ps, k=k, ignore=ignore: [accuracy_ref(bs[0], bs[1], k, ignore)], ["t0"], check_grads=False)
    assert accuracy_ref(x[:1], label[:1]) == 0.0
    net = check('layer { name: "L" type: "Accuracy" bottom: "b0" bottom: "b1" top: "t0" top: "t1" }', [x, label],
                lambda bs, ps: [accuracy_ref(bs[0], bs[1])], ["t0"], check_grads=False)
    per_class = [accuracy_ref(x[label == c], label[label == c]) if (label == c).any() else 0.0 for c in range(5)]
    np.testing.assert_allclose(net.blobs["t1"].data, per_class, rtol=1e-6)
    # N x C x H x W scores with N x H x W labels
    x4, l4 = RNG.standard_normal((2, 3, 2, 2)), RNG.integers(0, 3, (2, 2, 2)).astype(float)
    check('layer { name: "L" type: "Accuracy" bottom: "b0" bottom: "b1" top: "t0" }', [x4, l4],
          lambda bs, ps: [accuracy_ref(bs[0].transpose(0, 2, 3, 1).reshape(-1, 3), bs[1].reshape(-1))], ["t0"],
          check_grads=False)
