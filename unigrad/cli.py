"""The `unigrad` command: `unigrad <group> ...` runs the group's own command line.

Each group is a front end with a `cli.py` of its own whose `main(argv)` parses the rest of the
arguments (`unigrad caffe train --solver=...`, `unigrad onnx info model.onnx`, ...). Groups
load only when named, so `unigrad --help` stays fast and a front end's extra dependencies are
needed only by its commands."""
import importlib
import importlib.util
import sys

GROUPS = {  # group -> (module with main(argv), one line for --help)
    "caffe": ("unigrad.caffe.cli", "Caffe's tools: train, test, time, convert-mnist, convert-imageset, ..."),
    "onnx": ("unigrad.onnx.cli", "ONNX models: info, run, check"),
    "convert": ("unigrad.convert", "convert a model between formats (Caffe, ONNX, saved graphs)"),
    "serve": ("unigrad.serve.cli", "serve models over TF Serving's and KServe's protocols"),
    "run": ("unigrad.distributed.launch", "run a data-parallel training script on N processes (MPI)"),
}


def _available():
    """The groups whose module this unigrad has."""
    found = {}
    for name, (module, text) in GROUPS.items():
        try:
            if importlib.util.find_spec(module) is not None:
                found[name] = text
        except ModuleNotFoundError:  # its package is missing
            pass
    return found


def _usage():
    lines = ["usage: unigrad <command> [arguments]", "", "commands:"]
    lines += [f"  {name:<10}{text}" for name, text in _available().items()]
    lines += ["", "`unigrad <command> --help` describes a command's arguments."]
    return "\n".join(lines)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0
    name, rest = argv[0], argv[1:]
    if name not in _available():
        print(f"unigrad: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    try:
        module = importlib.import_module(GROUPS[name][0])
    except ModuleNotFoundError as exc:
        if not exc.name or not exc.name.startswith("unigrad"):
            print(f"unigrad {name}: needs the Python package {exc.name!r}; install it with "
                  f"`pip install unigrad[{name}]` (or `pip install {exc.name}`)", file=sys.stderr)
            return 2
        raise
    return module.main(rest) or 0


if __name__ == "__main__":
    sys.exit(main())
