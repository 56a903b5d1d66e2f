"""`unigrad convert`: a model from one format to another.

    unigrad convert deploy.prototxt --weights w.caffemodel --to onnx [-o net.onnx] [--static-batch]
    unigrad convert model.safetensors --to onnx [-o net.onnx]       (a graph saved with ug.jit.save)
    unigrad convert model.onnx --to graph [-o model.safetensors]    (an ONNX model as a saved graph)

A Caffe net exports from its TEST phase with the Input blobs' shapes, the batch left symbolic
unless --static-batch; the ONNX file passes onnx's full check (ug.onnx.export checks it).
"""
import argparse
import os
import re
import sys

from .errors import UnigradError


def build_parser():
    p = argparse.ArgumentParser(prog="unigrad convert", description="Convert a model between formats: a Caffe "
                                "deploy prototxt + caffemodel or a saved graph to ONNX, an ONNX model to a saved graph.")
    p.add_argument("model", help="deploy .prototxt, saved graph (.safetensors from ug.jit.save) or .onnx")
    p.add_argument("--weights", help="the .caffemodel for a prototxt")
    p.add_argument("--to", required=True, choices=["onnx", "graph"], help="the format to write")
    p.add_argument("-o", "--output", help="where to write (default: the model's name with the new suffix)")
    p.add_argument("--opset", type=int, default=None, help="ONNX opset (default: the newest onnxruntime runs)")
    p.add_argument("--static-batch", action="store_true", help="keep the prototxt's batch size fixed in the ONNX file")
    return p


def _kind(path):
    lower = path.lower()
    if lower.endswith((".prototxt", ".pbtxt")):
        return "caffe"
    if lower.endswith(".onnx"):
        return "onnx"
    return "graph"


def _default_output(path, to):
    stem = os.path.splitext(path)[0]
    return stem + (".onnx" if to == "onnx" else ".safetensors")


def caffe_to_onnx(prototxt, weights, output, opset=None, static_batch=False):
    """Export a Caffe deploy net (TEST phase) with its weights to an ONNX file; returns the ModelProto."""
    from .caffe.module import to_module
    from .core.grad_mode import no_grad
    from .ops import api as F
    from .onnx.export import export
    if weights is None:
        raise UnigradError(f"{prototxt} is a Caffe net; give its weights with --weights w.caffemodel")
    module = to_module(prototxt, weights).eval()
    net = module.net
    if not module.input_names:
        raise UnigradError(f"{prototxt} has no Input layer (or input: fields); a deploy net needs one to "
                           "know its input shapes")
    shapes = [tuple(net.blobs[name].shape) for name in module.input_names]
    # (trace at batch 2 unless the batch is fixed: a batch of 1 could not tell the batch axis apart)
    examples = tuple(F.zeros(s if static_batch else (max(2, s[0]),) + tuple(s[1:])) for s in shapes)
    dynamic = None if static_batch else {name: {0: "batch"} for name in module.input_names}
    with no_grad():
        return export(module, examples, output, opset=opset, input_names=module.input_names,
                      output_names=module.output_names, dynamic_axes=dynamic)


def main(argv=None):
    args = build_parser().parse_args(argv)
    kind = _kind(args.model)
    output = args.output or _default_output(args.model, args.to)
    try:
        if not os.path.isfile(args.model):
            raise UnigradError(f"{args.model} does not exist")
        if args.to == "onnx" and kind == "caffe":
            caffe_to_onnx(args.model, args.weights, output, args.opset, args.static_batch)
        elif args.to == "onnx" and kind == "graph":
            from .graph.serialize import load
            from .onnx.export import export
            export(load(args.model), None, output, opset=args.opset)
        elif args.to == "graph" and kind == "onnx":
            _onnx_to_graph(args.model, output)
        else:
            raise UnigradError(f"cannot convert a {kind} model to {args.to}")
    except (UnigradError, OSError) as exc:
        print(f"unigrad convert: {re.sub(r' [(]at [^()]*[)]$', '', str(exc))}", file=sys.stderr)
        return 1
    print(f"wrote {output}")
    return 0


def _onnx_to_graph(path, output):
    """An ONNX model with fixed input shapes as a saved unigrad graph (ug.jit.load reads it)."""
    from .graph.jit import jit, trace
    from .onnx.model import load
    from .ops import api as F
    net = load(path, compile=False)
    examples = []
    for spec in net.inputs:
        if spec.shape is None or any(not isinstance(d, int) or d <= 0 for d in spec.shape):
            raise UnigradError(f"input '{spec.name}' of {path} has no fixed shape ({spec!r}); a saved graph "
                               "needs example sizes")
        examples.append(F.zeros(tuple(spec.shape), dtype=spec.dtype))
    outputs = len(net.output_names)
    jit.save(trace(lambda *xs: net._forward(*xs) if outputs > 1 else net._forward(*xs)[0], tuple(examples)), output)


if __name__ == "__main__":
    sys.exit(main())
