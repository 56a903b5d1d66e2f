"""A harness for one layer: feed bottoms through an Input layer, run the layer's forward and
backward in a Net, and compare with a float64 NumPy reference of Caffe's definition (forward) and
with central finite differences of that reference (backward: bottoms and parameters)."""
import numpy as np

from unigrad import caffe


def build(layer_text, shapes, phase=caffe.TRAIN, extra=""):
    names = [f"b{i}" for i in range(len(shapes))]
    dims = "".join("shape { " + "".join(f"dim: {d} " for d in s) + "} " for s in shapes)
    tops = "".join(f'top: "{n}" ' for n in names)
    text = (f'name: "check" force_backward: true layer {{ name: "in" type: "Input" {tops} '
            f'input_param {{ {dims} }} }} {layer_text} {extra}')
    return caffe.Net(text, phase)


def finite_diff(f, arrays, index, eps=1e-6):
    """d f / d arrays[index] by central differences (f of float64 arrays -> scalar)."""
    x = arrays[index]
    grad = np.zeros_like(x)
    flat, g = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f(arrays)
        flat[i] = old - eps
        down = f(arrays)
        flat[i] = old
        g[i] = (up - down) / (2 * eps)
    return grad


def check(layer_text, bottoms, reference, tops, params=None, layer="L", diff_bottoms=None, phase=caffe.TRAIN,
          rtol=1e-4, atol=1e-5, grad_rtol=2e-3, grad_atol=2e-4, seed=0, extra="", check_grads=True,
          param_grads=True):
    """Run the layer and compare. `reference(bottoms, params)` (float64 lists) -> list of tops;
    `tops` names the layer's tops; `diff_bottoms` the bottom indices to check gradients of (all by
    default); `params` sets the layer's parameter blobs. Returns the net."""
    bottoms = [np.asarray(b, np.float32) for b in bottoms]
    net = build(layer_text, [b.shape for b in bottoms], phase, extra)
    if params is not None:
        for blob, value in zip(net.params[layer], params):
            blob.data[...] = value
    params = [np.array(blob.data, np.float64) for blob in net.params.get(layer, [])]
    out = net.forward(blobs=tops, **{f"b{i}": b for i, b in enumerate(bottoms)})
    b64 = [b.astype(np.float64) for b in bottoms]
    expected = reference([b.copy() for b in b64], [p.copy() for p in params])
    for name, want in zip(tops, expected):
        np.testing.assert_allclose(out[name], np.asarray(want).reshape(out[name].shape), rtol=rtol, atol=atol,
                                   err_msg=f"forward top {name}")
    if not check_grads:
        return net
    rng = np.random.default_rng(seed)
    top_diffs = {}
    for name in tops:
        shape = net.blobs[name].shape
        weight = net.blob_loss_weights()[name]
        top_diffs[name] = np.full(shape, weight, np.float64) if weight else rng.standard_normal(shape)
        net.blobs[name].diff[...] = top_diffs[name]
    net.backward()

    def objective(arrays):
        n = len(b64)
        outs = reference([a for a in arrays[:n]], list(arrays[n:]))
        return sum(float(np.sum(np.asarray(o).reshape(top_diffs[t].shape) * top_diffs[t]))
                   for t, o in zip(tops, outs))
    arrays = b64 + params
    for i in (range(len(bottoms)) if diff_bottoms is None else diff_bottoms):
        want = finite_diff(objective, arrays, i)
        np.testing.assert_allclose(net.blobs[f"b{i}"].diff, want, rtol=grad_rtol, atol=grad_atol,
                                   err_msg=f"gradient of bottom {i}")
    for k, blob in enumerate(net.params.get(layer, []) if param_grads else []):
        want = finite_diff(objective, arrays, len(b64) + k)
        np.testing.assert_allclose(blob.diff, want, rtol=grad_rtol, atol=grad_atol, err_msg=f"gradient of param {k}")
    return net
