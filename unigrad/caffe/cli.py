"""`unigrad caffe <command>`: Caffe's command-line tools with their flags and log lines.

    unigrad caffe train --solver=lenet_solver.prototxt [--snapshot=X.solverstate | --weights=W.caffemodel]
    unigrad caffe test --model=lenet_train_test.prototxt --weights=lenet_iter_10000.caffemodel --iterations=100
    unigrad caffe time --model=lenet_train_test.prototxt --iterations=50
    unigrad caffe device_query --gpu=0
    unigrad caffe convert-mnist IMAGES LABELS DB
    unigrad caffe convert-imageset [--gray --shuffle --resize_height=H --resize_width=W --encoded] ROOT/ LIST DB
    unigrad caffe compute-image-mean DB [MEAN.binaryproto]
    unigrad caffe upgrade-net-proto-text IN OUT     (also -binary, and upgrade-solver-proto-text)
"""
import os
import sys

from ..errors import UnigradError
from . import glog
from .flags import Flag, FlagError, parse, usage

COMMON = [
    Flag("gpu", "", "Optional; run in GPU mode on given device IDs separated by ','. Use '-gpu all' to run on all "
                    "available GPUs."),
    Flag("solver", "", "The solver definition protocol buffer text file."),
    Flag("model", "", "The model definition protocol buffer text file."),
    Flag("phase", "", "Optional; network phase (TRAIN or TEST). Only used for 'time'."),
    Flag("level", 0, "Optional; network level.", int),
    Flag("stage", "", "Optional; network stages (not to be confused with phase), separated by ','."),
    Flag("snapshot", "", "Optional; the snapshot solver state to resume training."),
    Flag("weights", "", "Optional; the pretrained weights to initialize finetuning, separated by ','. Cannot be "
                        "set simultaneously with snapshot."),
    Flag("iterations", 50, "The number of iterations to run.", int),
    Flag("sigint_effect", "stop", "Optional; action to take when a SIGINT signal is received: snapshot, stop or "
                                  "none."),
    Flag("sighup_effect", "snapshot", "Optional; action to take when a SIGHUP signal is received: snapshot, stop or "
                                      "none."),
    Flag("n", 1, "Optional; train data-parallel on this many processes (MPI ranks; NCCL with --gpu), each with "
                 "the net's batch size, as Caffe trains on several GPUs.", int),
]


def _stages(values):
    return [s for s in values["stage"].split(",")] if values["stage"] else []


def _device(values, solver_param=None):
    """The device from --gpu, else from the solver's explicit solver_mode: GPU (falling back to
    the CPU, with a warning, when no GPU is there)."""
    from ..backend.device import Device, cuda_available
    from .proto import caffe_pb2 as pb
    gpu = values["gpu"]
    if not gpu and solver_param is not None and solver_param.HasField("solver_mode") and \
            solver_param.solver_mode == pb.SolverParameter.GPU:
        if not cuda_available():
            glog.warning("the solver asks for solver_mode: GPU but no CUDA device is available; using the CPU")
            gpu = ""
        else:
            gpu = str(solver_param.device_id)
    if not gpu:
        glog.info("Use CPU.")
        return Device("cpu")
    ids = [0] if gpu == "all" else [int(g) for g in gpu.split(",")]
    if len(ids) > 1:
        glog.warning(f"several GPUs asked for ({gpu}); unigrad's caffe tool trains on one, GPU {ids[0]}")
    device = Device("cuda", ids[0])
    glog.info(f"Using GPUs {ids[0]}")
    return device


def train(values):
    from .proto import caffe_pb2 as pb
    from .parse import read_solver
    from .progress import Progress
    from .solver import get_solver
    if not values["solver"]:
        raise FlagError("train: need a solver definition to train (--solver=solver.prototxt)")
    if values["snapshot"] and values["weights"]:
        raise FlagError("train: give a snapshot to resume training or weights to finetune but not both")
    ranks = _ranks(values)
    if ranks and ranks > 1 and os.environ.get("PMI_RANK", os.environ.get("OMPI_COMM_WORLD_RANK", "0")) != "0":
        import logging
        glog.LOGGER.setLevel(logging.WARNING)  # one log, from the root, as Caffe's (MPI's rank, before joining)
    if ranks is None:  # the launcher: the ranks do the training
        from .parallel import argv_without_n, launch
        glog.info(f"Starting {values['n']} data-parallel ranks (batch size per rank as in the net)")
        return launch(values["n"], argv_without_n(values, COMMON))
    param = read_solver(values["solver"])
    param.train_state.level = values["level"]
    param.train_state.stage.extend(_stages(values) or [""])
    device = _device(values, param)
    if ranks > 1:
        import logging
        from .parallel import join
        group = join(ranks, device.type == "cuda")
        if group.backend == "nccl":
            device = group.device
        if group.rank != 0:  # one log, from the root, as Caffe's
            glog.LOGGER.setLevel(logging.WARNING)
        glog.info(f"Rank 0 of {ranks}: batch size per rank as in the net; gradients averaged over the ranks")
    if values["snapshot"]:
        param.ClearField("weights")
    elif values["weights"]:
        param.ClearField("weights")
        param.weights.append(values["weights"])
    solver = get_solver(param, keep_blobs=False, device=device)
    solver.source = values["solver"]
    previous = solver.handle_signals(values["sigint_effect"], values["sighup_effect"])
    try:
        if values["snapshot"]:
            glog.info(f"Resuming from {values['snapshot']}")
            solver.restore(values["snapshot"])
        glog.info("Starting Optimization")
        with Progress(param.max_iter, initial=solver.iter) as bar:
            solver.solve(progress=bar)
    finally:
        import signal
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    glog.info("Optimization Done.")
    return 0


def _ranks(values):
    """How many ranks train: 1, N inside a rank started by `train -n N`, or None in the command
    that must start them."""
    from .parallel import WORKER
    if values["n"] < 1:
        raise FlagError(f"train: -n must be at least 1, got {values['n']}")
    started = os.environ.get(WORKER)
    if started:
        return int(started)
    return 1 if values["n"] == 1 else None


def test(values):
    import numpy as np
    from .net import TEST, Net
    if not values["model"]:
        raise FlagError("test: need a model definition to score (--model=net.prototxt)")
    if not values["weights"]:
        raise FlagError("test: need model weights to score (--weights=net.caffemodel)")
    device = _device(values)
    net = Net(values["model"], phase=TEST, level=values["level"], stages=_stages(values), device=device)
    for path in values["weights"].split(","):
        net.copy_from(path)
    iterations = values["iterations"]
    glog.info(f"Running for {iterations} iterations.")
    scores, loss = None, 0.0
    names = []
    for i in range(iterations):
        out = net._forward_outputs()
        loss += net._loss_of(out)
        flat = np.concatenate([np.asarray(o, np.float32).reshape(-1) for o in out]) if out else np.zeros(0)
        if i == 0:
            names = [name for name in net.outputs for _ in range(net.blobs[name].count)]
        for name, score in zip(names, flat):
            glog.info(f"Batch {i}, {name} = {glog.num(score)}")
        scores = flat if scores is None else scores + flat
    glog.info(f"Loss: {glog.num(loss / max(iterations, 1))}")
    weights = net.blob_loss_weights()
    for name, total in zip(names, scores if scores is not None else []):
        mean = np.float32(total) / np.float32(iterations)
        w = weights[name]
        suffix = f" (* {glog.num(w)} = {glog.num(np.float32(w) * mean)} loss)" if w else ""
        glog.info(f"{name} = {glog.num(mean)}{suffix}")
    return 0


def time_net(values):
    from .net import TEST, TRAIN, Net
    from .timing import benchmark
    if not values["model"]:
        raise FlagError("time: need a model definition to time (--model=net.prototxt)")
    phase = {"": TRAIN, "TRAIN": TRAIN, "TEST": TEST}.get(values["phase"].upper())
    if phase is None:
        raise FlagError(f"time: --phase must be TRAIN or TEST, got {values['phase']!r}")
    device = _device(values)
    net = Net(values["model"], phase=phase, level=values["level"], stages=_stages(values), device=device)
    benchmark(net, values["iterations"])
    return 0


def device_query(values):
    from ..backend.device import cuda_available
    if not cuda_available():
        raise FlagError("device_query: no CUDA device is available (install the gpu extra: pip install unigrad[gpu])")
    import cupy
    ids = list(range(cupy.cuda.runtime.getDeviceCount())) if values["gpu"] in ("", "all") else \
        [int(g) for g in values["gpu"].split(",")]
    for i in ids:
        glog.info(f"Querying GPUs {i}")
        p = cupy.cuda.runtime.getDeviceProperties(i)
        name = p["name"].decode() if isinstance(p["name"], bytes) else p["name"]
        rows = [("Device id", i), ("Major revision number", p["major"]), ("Minor revision number", p["minor"]),
                ("Name", name), ("Total global memory", p["totalGlobalMem"]),
                ("Total shared memory per block", p["sharedMemPerBlock"]),
                ("Total registers per block", p["regsPerBlock"]), ("Warp size", p["warpSize"]),
                ("Maximum memory pitch", p["memPitch"]), ("Maximum threads per block", p["maxThreadsPerBlock"]),
                ("Maximum dimension of block", ", ".join(str(d) for d in p["maxThreadsDim"])),
                ("Maximum dimension of grid", ", ".join(str(d) for d in p["maxGridSize"])),
                ("Clock rate", p["clockRate"]), ("Total constant memory", p["totalConstMem"]),
                ("Texture alignment", p["textureAlignment"]),
                ("Concurrent copy and execution", "Yes" if p.get("deviceOverlap", 1) else "No"),
                ("Number of multiprocessors", p["multiProcessorCount"]),
                ("Kernel execution timeout", "Yes" if p.get("kernelExecTimeoutEnabled", 0) else "No")]
        for label, value in rows:
            glog.info(f"{label + ':':<32}{value}")
    return 0


def convert_mnist(argv):
    from .data.convert import convert_mnist as run
    values, args = parse(argv, [Flag("backend", "lmdb", "The backend for storing the result")], "convert-mnist")
    if len(args) != 3:
        raise FlagError("usage: unigrad caffe convert-mnist input_image_file input_label_file output_db_file")
    _lmdb_only(values["backend"])
    run(*args)
    return 0


def _lmdb_only(backend):
    if backend.lower() != "lmdb":
        raise FlagError(f"--backend={backend}: unigrad writes LMDB databases only (LevelDB is not supported)")


IMAGESET_FLAGS = [Flag("gray", False, "When this option is on, treat images as grayscale ones", bool),
                  Flag("shuffle", False, "Randomly shuffle the order of images and their labels", bool),
                  Flag("backend", "lmdb", "The backend {lmdb} for storing the result"),
                  Flag("resize_width", 0, "Width images are resized to", int),
                  Flag("resize_height", 0, "Height images are resized to", int),
                  Flag("check_size", False, "When this option is on, check that all the datum have the same size",
                       bool),
                  Flag("encoded", False, "When this option is on, the encoded image will be save in datum", bool),
                  Flag("encode_type", "", "Optional: What type should we encode the image as ('png','jpg',...).")]


def convert_imageset(argv):
    from .data.convert import convert_imageset as run
    values, args = parse(argv, IMAGESET_FLAGS, "convert-imageset")
    if len(args) != 3:
        raise FlagError("usage: unigrad caffe convert-imageset [FLAGS] ROOTFOLDER/ LISTFILE DB_NAME\n"
                        + usage(IMAGESET_FLAGS))
    _lmdb_only(values["backend"])
    run(args[0], args[1], args[2], gray=values["gray"], shuffle=values["shuffle"],
        resize_height=values["resize_height"], resize_width=values["resize_width"], check_size=values["check_size"],
        encoded=values["encoded"], encode_type=values["encode_type"])
    return 0


def compute_image_mean(argv):
    from .data.convert import compute_image_mean as run
    values, args = parse(argv, [Flag("backend", "lmdb", "The backend {lmdb} for storing the result")],
                         "compute-image-mean")
    if len(args) not in (1, 2):
        raise FlagError("usage: unigrad caffe compute-image-mean [FLAGS] INPUT_DB [OUTPUT_FILE]")
    _lmdb_only(values["backend"])
    run(args[0], args[1] if len(args) == 2 else None)
    return 0


def upgrade(kind):
    def run(argv):
        from .parse import read_binary, read_net, read_solver, write_binary, write_text
        from .proto import caffe_pb2 as pb
        from .upgrade import upgrade_net
        _, args = parse(argv, [], f"upgrade-{kind}")
        if len(args) != 2:
            raise FlagError(f"usage: unigrad caffe upgrade-{kind} INPUT OUTPUT")
        if kind == "net-proto-text":
            write_text(args[1], read_net(args[0]))
        elif kind == "net-proto-binary":
            write_binary(args[1], upgrade_net(read_binary(args[0], pb.NetParameter), args[0]))
        else:
            solver = read_solver(args[0])
            write_text(args[1], solver)
        glog.info(f"Wrote upgraded {kind.split('-')[0]} to {args[1]}")
        return 0
    return run


ACTIONS = {"train": train, "test": test, "time": time_net, "device_query": device_query}
TOOLS = {"convert-mnist": convert_mnist, "convert_mnist_data": convert_mnist,
         "convert-imageset": convert_imageset, "convert_imageset": convert_imageset,
         "compute-image-mean": compute_image_mean, "compute_image_mean": compute_image_mean,
         "upgrade-net-proto-text": upgrade("net-proto-text"), "upgrade_net_proto_text": upgrade("net-proto-text"),
         "upgrade-net-proto-binary": upgrade("net-proto-binary"),
         "upgrade_net_proto_binary": upgrade("net-proto-binary"),
         "upgrade-solver-proto-text": upgrade("solver-proto-text"),
         "upgrade_solver_proto_text": upgrade("solver-proto-text")}


def _usage():
    return ("usage: unigrad caffe <command> <args>\n\ncommands:\n  train           train or finetune a model\n"
            "  test            score a model\n  device_query    show GPU diagnostic information\n"
            "  time            benchmark model execution time\n  convert-mnist, convert-imageset, compute-image-mean,\n"
            "  upgrade-net-proto-text, upgrade-net-proto-binary, upgrade-solver-proto-text\n\nFlags:\n"
            + usage(COMMON))


def main(argv=None):
    """Run one command; returns the exit status (errors are logged as Caffe's F lines)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0 if argv else 1
    command, rest = argv[0], argv[1:]
    try:
        if command in TOOLS:
            return TOOLS[command](rest)
        if command not in ACTIONS:
            print(f"Unknown action: {command}\nAvailable actions: {', '.join(ACTIONS)}, {', '.join(TOOLS)}",
                  file=sys.stderr)
            return 2
        values, positional = parse(rest, COMMON, command)
        if positional:
            raise FlagError(f"{command}: unexpected arguments {positional}; the flags look like --model=net.prototxt")
        return ACTIONS[command](values)
    except (UnigradError, OSError) as exc:
        glog.LOGGER.critical(str(exc), stacklevel=1)
        return 1
    except KeyboardInterrupt:
        glog.error("Interrupted.")
        return 130


if __name__ == "__main__":
    sys.exit(main())
