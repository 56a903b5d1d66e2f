"""`unigrad onnx`: look at, check and run ONNX model files.

    unigrad onnx info model.onnx            inputs/outputs, opsets, op histogram, parameters, unsupported ops
    unigrad onnx check model.onnx           onnx's full check, then whether unigrad can run every node
    unigrad onnx run model.onnx --input x.npy [--input name=y.npy] [--output out.npy] [--device cuda]

Arrays are read with np.load(allow_pickle=False): no file can run code.
"""
import argparse
import collections
import os
import re
import sys
import tempfile

import numpy as np

from ..errors import UnigradError
from .errors import OnnxImportError, UnsupportedOnnxError


def build_parser():
    p = argparse.ArgumentParser(prog="unigrad onnx", description="Look at, check and run ONNX models.")
    sub = p.add_subparsers(dest="command", required=True)
    info = sub.add_parser("info", help="inputs and outputs, opsets, op histogram, parameter count, what is "
                          "unsupported")
    info.add_argument("model")
    check = sub.add_parser("check", help="onnx's checker (full check) and unigrad's import check")
    check.add_argument("model")
    run = sub.add_parser("run", help="run the model on .npy inputs")
    run.add_argument("model")
    run.add_argument("--input", action="append", default=[], metavar="[NAME=]FILE.npy",
                     help="an input array (.npy; by position, or NAME=FILE); repeat for each input")
    run.add_argument("--output", metavar="FILE", help="write the outputs: .npy for one output, .npz for several")
    run.add_argument("--device", default="cpu", help="cpu (default), cuda or cuda:N")
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return {"info": info, "check": check, "run": run}[args.command](args)
    except (UnigradError, OSError, ValueError) as exc:
        print(f"unigrad onnx {args.command}: {_plain(exc)}", file=sys.stderr)
        return 1


def _plain(exc):
    """The message without the call site unigrad's errors add (a command line has no user frame)."""
    return re.sub(r" [(]at [^()]*[)]$", "", str(exc))


# ---- info -----------------------------------------------------------------------------------
def _type_text(type_proto):
    from .dtypes import name_of
    which = type_proto.WhichOneof("value")
    if which == "tensor_type":
        t = type_proto.tensor_type
        if not t.HasField("shape"):
            dims = "?"
        else:
            dims = "[" + ", ".join(str(d.dim_value) if d.HasField("dim_value") else (d.dim_param or "?")
                                   for d in t.shape.dim) + "]"
        return f"{name_of(t.elem_type).lower()}{dims}"
    if which == "sequence_type":
        return f"sequence({_type_text(type_proto.sequence_type.elem_type)})"
    if which == "optional_type":
        return f"optional({_type_text(type_proto.optional_type.elem_type)})"
    return which or "?"


def info(args):
    from .export import _all_nodes  # (every node, subgraphs' too)
    from .reading import read_model
    proto, where = read_model(args.model)
    g = proto.graph
    inits = {t.name for t in g.initializer}
    out = [f"{args.model}: IR version {proto.ir_version}, produced by {proto.producer_name or '?'} "
           f"{proto.producer_version}".rstrip()]
    out.append("opsets: " + ", ".join(f"{o.domain or 'ai.onnx'} {o.version}" for o in proto.opset_import))
    out.append("inputs:")
    out += [f"  {vi.name}: {_type_text(vi.type)}" for vi in g.input if vi.name not in inits]
    out.append("outputs:")
    out += [f"  {vi.name}: {_type_text(vi.type)}" for vi in g.output]
    count = sum(int(np.prod(t.dims)) for t in g.initializer)
    out.append(f"parameters: {count:,} in {len(g.initializer)} initializers")
    histogram = collections.Counter((n.domain + "::" if n.domain else "") + n.op_type for n in _all_nodes(g.node))
    out.append(f"ops ({sum(histogram.values())} nodes):")
    out += [f"  {op:<28}{n}" for op, n in sorted(histogram.items(), key=lambda kv: (-kv[1], kv[0]))]
    out.append("unsupported: " + _unsupported_text(proto, where))
    print("\n".join(out))
    return 0


def _unsupported_text(proto, where):
    from .importer.model import ImportedModel
    try:
        ImportedModel(proto, where)
    except UnsupportedOnnxError as exc:
        return "; ".join(f"{name} ({op} of {domain}, opset {opset})" for name, op, domain, opset in exc.unsupported)
    return "none (every node has an import rule)"


# ---- check ----------------------------------------------------------------------------------
def check(args):
    import onnx
    from onnx import checker
    from .importer.model import ImportedModel
    from .reading import read_model
    proto, where = read_model(args.model)
    try:
        checker.check_model(proto, full_check=True)
    except (checker.ValidationError, onnx.shape_inference.InferenceError) as exc:
        print(f"{args.model}: onnx's checker rejects it: {' '.join(str(exc).split())[:2000]}", file=sys.stderr)
        return 1
    ImportedModel(proto, where)  # (raises naming every unsupported node)
    print(f"{args.model}: OK (onnx's full check passes; unigrad has an import rule for every node)")
    return 0


# ---- run ------------------------------------------------------------------------------------
def _load_array(path):
    if not os.path.isfile(path):
        raise OnnxImportError(f"input file '{path}' does not exist")
    try:
        return np.load(path, allow_pickle=False)
    except ValueError as exc:
        raise OnnxImportError(f"input file '{path}' is not a .npy array without pickled objects ({exc})") from None


def run(args):
    from .model import load
    net = load(args.model, device=args.device)
    positional, named = [], {}
    for item in args.input:
        name, eq, path = item.partition("=")
        if eq and not os.path.exists(item):
            named[name] = _load_array(path)
        else:
            positional.append(_load_array(item))
    if len(positional) > len(net.input_names):
        raise OnnxImportError(f"{len(positional)} inputs given, the model takes {len(net.input_names)} "
                              f"({', '.join(net.input_names)})")
    feed = dict(zip(net.input_names, positional))
    for name, value in named.items():
        if name in feed:
            raise OnnxImportError(f"input '{name}' is given twice")
        feed[name] = value
    outputs = net.run(None, feed)
    for name, value in zip(net.output_names, outputs):
        arr = np.asarray(value) if not isinstance(value, list) else value
        if isinstance(arr, np.ndarray):
            summary = f"{arr.dtype}{list(arr.shape)}"
            if arr.size and arr.dtype.kind in "fiub":
                summary += f" min {arr.min():.6g} max {arr.max():.6g} mean {arr.astype(np.float64).mean():.6g}"
        else:
            summary = f"sequence of {len(arr)}"
        print(f"{name}: {summary}")
    if args.output:
        _write_outputs(args.output, net.output_names, outputs)
        print(f"wrote {args.output}")
    return 0


def _write_outputs(path, names, outputs):
    arrays = [np.asarray(o) for o in outputs]
    folder = os.path.dirname(os.path.abspath(path))
    if path.endswith(".npz"):
        suffix = ".npz"
    elif len(arrays) == 1:
        suffix = ".npy"
    else:
        raise OnnxImportError(f"the model has {len(arrays)} outputs ({', '.join(names)}): write them to a .npz file")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".onnx-run-", suffix=suffix)
    os.close(fd)
    try:
        if suffix == ".npz":
            np.savez(tmp, **dict(zip(names, arrays)))
        else:
            np.save(tmp, arrays[0], allow_pickle=False)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


if __name__ == "__main__":
    sys.exit(main())
