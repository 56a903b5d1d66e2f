"""`caffe time`: the net's forward and forward-backward passes timed as the compiled graphs unigrad
runs, and Caffe's per-layer table (each layer's forward and backward compiled and timed on its
own: a backward is timed as that layer's forward plus its gradient, less its forward).

The whole-net passes are what training runs; the per-layer numbers are a breakdown, and their
sum differs from the whole because the whole-net graph fuses and plans memory across layers."""
import time

import numpy as np

from ..accelerator import synchronize
from ..autograd import grad as autograd_grad
from ..core.grad_mode import enable_grad, no_grad
from ..graph.jit import jit
from ..ops import api as F
from . import glog
from .layers.base import Context


def _whole_net_functions(net):
    """(forward, forward-backward) compiled over the whole net; the latter returns the loss and
    every learnable parameter's gradient (Caffe's ForwardBackward)."""
    plan = net._plan(0, len(net.built.layers) - 1)
    n = len(plan.externals)
    mask_names = [layer.name for layer in plan.mask_layers]
    tensors = [lr.tensor for lr in net.built.learnables if lr.tensor.requires_grad]

    def run(args, grad):
        feeds, masks = dict(zip(plan.externals, args[:n])), dict(zip(mask_names, args[n:]))
        values, _ = net.evaluate(plan, feeds, Context(net.phase, masks, update_stats=not grad))
        return values, net._loss_tensor(values)

    def forward(*args):
        values, loss = run(args, False)
        return tuple([loss] + [values[b] for b in net.outputs])

    def forward_backward(*args):
        with enable_grad():
            values, loss = run(args, True)
            grads = autograd_grad(loss, tensors, allow_unused=True) if tensors and loss.requires_grad else []
        return tuple([loss] + [g for g in grads if g is not None])
    return plan, jit(forward), jit(forward_backward)


def _layer_functions(net, index, values):
    """Compiled forward and forward+gradient of one layer, and its sample inputs."""
    layer = net.built.layers[index]
    bottoms = [values[b] for b in layer.bottom_names]
    params = [ref.tensor if tuple(ref.tensor.shape) == ref.shape else ref.tensor.reshape(ref.shape)
              for ref in layer.params]
    ctx = Context(net.phase, {layer.name: net._masks[layer.name]} if layer.name in net._masks else {},
                  update_stats=False)

    def forward(*xs):
        return tuple(layer.forward(list(xs), params, ctx))

    def forward_backward(*xs):
        with enable_grad():
            inputs = [x.detach().requires_grad_(True) if need else x
                      for x, need in zip(xs, layer.bottom_need_grad)]
            tops = layer.forward(inputs, params, ctx)
            wrt = [x for x in inputs if x.requires_grad] + [p for p, need in zip(params, layer.param_need_grad)
                                                           if need and p.requires_grad]
            roots = [t for t in tops if t.requires_grad]
            if not roots or not wrt:
                return tuple(tops)
            seeds = [F.ones_like(t) for t in roots]
            grads = autograd_grad(roots, wrt, seeds, allow_unused=True)
        return tuple(list(tops) + [g for g in grads if g is not None])
    return jit(forward), jit(forward_backward), bottoms


def _timed(device, fn, *args):
    """Milliseconds `fn` takes, to the end of the work it queued on a GPU."""
    start = time.perf_counter()
    with no_grad():
        fn(*args)
    if device.type != "cpu":
        synchronize(device)
    return (time.perf_counter() - start) * 1e3


def benchmark(net, iterations):
    """Run Caffe's `time` protocol on `net` and log its lines; returns the averages in ms."""
    plan, forward, forward_backward = _whole_net_functions(net)
    glog.info("Performing Forward")
    net._sync_params()
    feeds = net._source_feeds(plan, pull=True)
    masks = net._draw_masks(plan)
    with no_grad():
        loss = forward(*feeds, *masks)[0].item()  # (.numpy() refuses a CUDA tensor)
    glog.info(f"Initial loss: {glog.num(loss)}")
    glog.info("Performing Backward")
    with no_grad():
        forward_backward(*feeds, *masks)
    # the layers' own inputs, from one forward that keeps every blob
    net._run_forward(0, len(net.built.layers) - 1)
    values = {name: net._tensor(blob.data) for name, blob in net.blobs.items()}
    per_layer = []
    for i, layer in enumerate(net.built.layers):
        if layer.source:
            per_layer.append(None)
            continue
        f, fb, bottoms = _layer_functions(net, i, values)
        with no_grad():
            f(*bottoms)  # trace once before timing
            fb(*bottoms)
        per_layer.append((f, fb, bottoms))
    glog.info("*** Benchmark begins ***")
    glog.info(f"Testing for {iterations} iterations.")
    forward_ms = np.zeros(len(net.built.layers))
    backward_ms = np.zeros(len(net.built.layers))
    total_fw = total_fb = 0.0
    for j in range(iterations):
        start = time.perf_counter()
        feeds = net._source_feeds(plan, pull=True)
        masks = net._draw_masks(plan)
        data_ms = (time.perf_counter() - start) * 1e3
        fw = _timed(net.device, forward, *feeds, *masks)
        fb = _timed(net.device, forward_backward, *feeds, *masks)
        total_fw += fw + data_ms
        total_fb += fb + data_ms
        glog.info(f"Iteration: {j + 1} forward-backward time: {glog.num(fb + data_ms)} ms.")
        for i, entry in enumerate(per_layer):
            if entry is None:
                forward_ms[i] += data_ms / max(1, len(plan.sources))
                continue
            f, fbl, bottoms = entry
            t_f = _timed(net.device, f, *bottoms)
            t_fb = _timed(net.device, fbl, *bottoms)
            forward_ms[i] += t_f
            backward_ms[i] += max(0.0, t_fb - t_f)
    glog.info("Average time per layer: ")
    for i, layer in enumerate(net.built.layers):
        glog.info(f"{layer.name:>10}\tforward: {glog.num(forward_ms[i] / iterations)} ms.")
        glog.info(f"{layer.name:>10}\tbackward: {glog.num(backward_ms[i] / iterations)} ms.")
    avg_fw, avg_fb = total_fw / iterations, total_fb / iterations
    glog.info(f"Average Forward pass: {glog.num(avg_fw)} ms.")
    glog.info(f"Average Backward pass: {glog.num(max(0.0, avg_fb - avg_fw))} ms.")
    glog.info(f"Average Forward-Backward: {glog.num(avg_fb)} ms.")
    glog.info(f"Total Time: {glog.num(total_fb)} ms.")
    glog.info("*** Benchmark ends ***")
    return {"forward": avg_fw, "backward": max(0.0, avg_fb - avg_fw), "forward_backward": avg_fb}
