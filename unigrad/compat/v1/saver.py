"""tf.train.Saver: save and restore variables by name, as safetensors (never pickle)."""
from ...core.tensor import Tensor as EagerTensor
from ...errors import DataError
from ...io.safetensors_io import load, save
from .graph import FailedPreconditionError
from .variables import global_variables


class Saver:
    def __init__(self, var_list=None, max_to_keep=5):
        self.var_list = var_list

    def _variables(self):
        if self.var_list is None:
            return {v.name: v for v in global_variables()}
        if isinstance(self.var_list, dict):
            return dict(self.var_list)
        return {v.name: v for v in self.var_list}

    def save(self, sess, save_path, global_step=None):
        path = save_path if global_step is None else f"{save_path}-{int(global_step)}"
        tensors = {}
        for name, var in self._variables().items():
            if var.storage is None:
                raise FailedPreconditionError(f"cannot save uninitialized variable {name}")
            tensors[name] = var.storage.detach()
        save(tensors, path)
        return path

    def restore(self, sess, save_path):
        try:
            stored = load(save_path)
        except DataError as exc:
            raise DataError(f"tf.train.Saver.restore: {exc}") from None
        for name, var in self._variables().items():
            if name not in stored:
                raise DataError(f"checkpoint '{save_path}' has no variable '{name}' (it has {sorted(stored)})")
            value = stored[name]
            if var.shape is not None and tuple(value.shape) != tuple(d for d in var.shape):
                raise DataError(f"variable '{name}' has shape {var.shape}, the checkpoint {tuple(value.shape)}")
            var._initialize(EagerTensor(value._data))
