"""tf.train.Saver and the checkpoint index: save and restore variables by name, as safetensors
(never pickle), and the `checkpoint` file TF keeps beside them so `tf.train.latest_checkpoint`
and `get_checkpoint_state` find the newest one.

`saver.save(sess, "dir/model.ckpt", global_step=step)` writes the variables to the file
`dir/model.ckpt-<step>` (the "checkpoint prefix" TF returns and restores from) and rewrites
`dir/checkpoint` in TF's text format:

    model_checkpoint_path: "dir/model.ckpt-3000"
    all_model_checkpoint_paths: "dir/model.ckpt-2000"
    all_model_checkpoint_paths: "dir/model.ckpt-3000"

keeping the newest `max_to_keep` checkpoints (None or 0: all) and deleting older ones this
Saver wrote. TF's .meta graph files are not written: a unigrad graph is Python code, so a
program rebuilds it and restores the variables (tf.train.import_meta_graph says so).
"""
import os
import re
import tempfile

from ...core.tensor import Tensor as EagerTensor
from ...errors import DataError, InvalidArgumentError
from ...io.safetensors_io import load, save
from .graph import FailedPreconditionError, Tensor
from .variables import global_variables, Variable

_STATE_LINE = re.compile(r'^\s*(\w+)\s*:\s*"((?:[^"\\]|\\.)*)"\s*$')


class CheckpointState:
    """What the `checkpoint` file says: the newest checkpoint and all those kept."""

    def __init__(self, model_checkpoint_path, all_model_checkpoint_paths):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)

    def __repr__(self):
        return (f"model_checkpoint_path: {self.model_checkpoint_path!r}\n" +
                "".join(f"all_model_checkpoint_paths: {p!r}\n" for p in self.all_model_checkpoint_paths))


def _quote(path):
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _unquote(text):
    return re.sub(r"\\(.)", r"\1", text)


def _write_text_atomically(path, text):
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-checkpoint-")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def update_checkpoint_state(save_dir, model_checkpoint_path, all_model_checkpoint_paths=None,
                            latest_filename=None):
    """Write `save_dir/checkpoint` (or `latest_filename`) naming the newest checkpoint and all kept."""
    paths = list(all_model_checkpoint_paths or [])
    if model_checkpoint_path not in paths:
        paths.append(model_checkpoint_path)
    text = f"model_checkpoint_path: {_quote(model_checkpoint_path)}\n" + \
        "".join(f"all_model_checkpoint_paths: {_quote(p)}\n" for p in paths)
    _write_text_atomically(os.path.join(save_dir, latest_filename or "checkpoint"), text)


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The CheckpointState of `checkpoint_dir` (paths relative to it made relative to the current
    folder, as TF does), or None when it has no checkpoint file."""
    path = os.path.join(checkpoint_dir, latest_filename or "checkpoint")
    if not os.path.exists(path):
        return None
    newest, kept = None, []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            match = _STATE_LINE.match(line)
            if match is None or match.group(1) not in ("model_checkpoint_path", "all_model_checkpoint_paths",
                                                       "all_model_checkpoint_timestamps",
                                                       "last_preserved_timestamp"):
                raise DataError(f"{path}:{number}: not a checkpoint state line: {line.strip()!r}")
            value = _unquote(match.group(2))
            if not os.path.isabs(value):
                value = os.path.join(checkpoint_dir, value)
            if match.group(1) == "model_checkpoint_path":
                newest = value
            elif match.group(1) == "all_model_checkpoint_paths":
                kept.append(value)
    if newest is None:
        raise DataError(f"{path}: no model_checkpoint_path line")
    return CheckpointState(newest, kept)


def checkpoint_exists(checkpoint_prefix):
    """Whether a checkpoint was saved under this prefix."""
    return os.path.isfile(checkpoint_prefix)


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The newest checkpoint's prefix in `checkpoint_dir` (for Saver.restore), or None."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None or not checkpoint_exists(state.model_checkpoint_path):
        return None
    return state.model_checkpoint_path


class Saver:
    """Saves and restores variables (all global ones, a list, or a {name: variable} dict)."""

    def __init__(self, var_list=None, reshape=False, sharded=False, max_to_keep=5, keep_checkpoint_every_n_hours=10000.0,
                 name=None, restore_sequentially=False, saver_def=None, builder=None, defer_build=False,
                 allow_empty=False, write_version=2, pad_step_number=False, save_relative_paths=False, filename=None):
        self.var_list, self.max_to_keep = var_list, max_to_keep
        self.save_relative_paths, self.pad_step_number = save_relative_paths, pad_step_number
        self.last_checkpoints = []  # the checkpoints this Saver wrote and keeps, oldest first
        self._variables()  # a bad var_list fails here, where it was written

    def _variables(self):
        if self.var_list is None:
            found = {v.name: v for v in global_variables()}
        elif isinstance(self.var_list, dict):
            found = dict(self.var_list)
        else:
            found = {v.name: v for v in self.var_list}
        for name, var in found.items():
            if not isinstance(var, Variable):
                raise InvalidArgumentError(f"tf.train.Saver: '{name}' is not a tf.Variable ({var!r})")
        return found

    def save(self, sess, save_path, global_step=None, latest_filename=None, meta_graph_suffix="meta",
             write_meta_graph=True, write_state=True, strip_default_attrs=False, save_debug_info=False):
        """Write the variables' values under `save_path` (`save_path-<global_step>` with a step: an
        int or a step variable/tensor, read in `sess`) and return that checkpoint prefix."""
        if global_step is not None:
            step = sess.run(global_step) if isinstance(global_step, Tensor) else global_step
            save_path = f"{save_path}-{int(step):08d}" if self.pad_step_number else f"{save_path}-{int(step)}"
        folder = os.path.dirname(os.path.abspath(save_path))
        if not os.path.isdir(folder):
            raise DataError(f"tf.train.Saver.save: the directory '{folder}' of '{save_path}' does not exist; "
                            "create it first (os.makedirs)")
        tensors = {}
        for name, var in self._variables().items():
            if var.storage is None:
                raise FailedPreconditionError(f"tf.train.Saver.save: variable {name} (created at {var.site}) is not "
                                              "initialized; run tf.global_variables_initializer() first")
            tensors[name] = var.storage.detach()
        save(tensors, save_path)
        if write_state:
            self._remember(save_path, latest_filename)
        return save_path

    def _remember(self, path, latest_filename):
        if path in self.last_checkpoints:
            self.last_checkpoints.remove(path)
        self.last_checkpoints.append(path)
        if self.max_to_keep:
            while len(self.last_checkpoints) > self.max_to_keep:
                old = self.last_checkpoints.pop(0)
                if os.path.isfile(old):
                    os.unlink(old)
        folder = os.path.dirname(path) or "."
        # as TF writes it: paths relative to the folder when asked to, or when they and the folder are
        # relative (get_checkpoint_state joins them to the folder again); absolute ones as they are
        def shown(p):
            relative = self.save_relative_paths or not (os.path.isabs(folder) or os.path.isabs(p))
            return os.path.relpath(p, folder) if relative else p
        kept = [shown(p) for p in self.last_checkpoints]
        update_checkpoint_state(folder, kept[-1], kept, latest_filename)

    def restore(self, sess, save_path):
        """Set the variables to the values saved under the checkpoint prefix `save_path`."""
        if save_path is None:
            raise InvalidArgumentError("tf.train.Saver.restore: save_path is None (tf.train.latest_checkpoint returns "
                                       "None when a folder has no checkpoint yet)")
        try:
            stored = load(save_path)
        except DataError as exc:
            raise DataError(f"tf.train.Saver.restore: {exc}") from None
        for name, var in self._variables().items():
            if name not in stored:
                raise DataError(f"checkpoint '{save_path}' has no variable '{name}' (it has {sorted(stored)})")
            value = stored[name]
            if var._shape is not None and tuple(value.shape) != tuple(var._shape):
                raise DataError(f"variable '{name}' has shape {var.shape}, the checkpoint {tuple(value.shape)}")
            var._initialize(EagerTensor(value._data))

    def recover_last_checkpoints(self, checkpoint_paths):
        self.last_checkpoints = [p for p in checkpoint_paths if checkpoint_exists(p)]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time):
        self.last_checkpoints = [p for p, _ in last_checkpoints_with_time]


def import_meta_graph(meta_graph_or_file, clear_devices=False, import_scope=None, **kwargs):
    """Not covered: unigrad writes no .meta files (a graph is the Python code that builds it)."""
    from .not_covered import NotCoveredError
    raise NotCoveredError("tf.train.import_meta_graph is not covered: unigrad saves variables, not graphs (a unigrad "
                          "TF1 graph is the Python code that builds it, and loading a graph file must never run code). "
                          "Build the model again, then tf.train.Saver().restore(sess, path) its variables.")
