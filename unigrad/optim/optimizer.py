"""Optimizer base: param groups, per-parameter state, state_dict round trips.

Updates run directly on the parameters' arrays (in place, no tape): the optimizer step is
not part of any autograd graph, and in-place array math avoids a temporary per operation.
"""
from ..core.tensor import Tensor
from ..core.trace_hook import state as _trace
from ..autograd.zero_grad import zero_grads
from ..errors import InvalidArgumentError, StateDictError


class Optimizer:
    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.state = {}
        self.param_groups = []
        params = list(params)
        if not params:
            raise InvalidArgumentError(f"{type(self).__name__} got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group):
        group = dict(group)
        params = group["params"]
        group["params"] = [params] if isinstance(params, Tensor) else list(params)
        for p in group["params"]:
            if not isinstance(p, Tensor) or not p.is_leaf:
                raise InvalidArgumentError(f"{type(self).__name__} can only optimize leaf Tensors")
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in group["params"]):
            raise InvalidArgumentError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none=True):
        zero_grads((p for group in self.param_groups for p in group["params"]), set_to_none)

    def step(self, closure=None):
        loss = None
        if closure is not None:
            from ..core.grad_mode import enable_grad
            with enable_grad():
                loss = closure()
        if _trace.tracer.active:
            self._traced_step()
            return loss
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state.setdefault(p, {})
                self._update(p._data, p.grad._data, state, group, p._device.xp)
                p._vc[0] += 1
        return loss

    def _traced_step(self):
        """The same update as ops on Tensors, so a traced training step records it. The learning
        rate is read live (a scheduler may change it between runs); the other hyperparameters
        are guarded (changing one retraces)."""
        from ..core.grad_mode import no_grad
        from .traced import TensorMath, TracedState, traced_group
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    state = TracedState(self.state.setdefault(p, {}), p.device)
                    self._update(p, p.grad, state, traced_group(self, group, p), TensorMath)

    def _update(self, param, grad, state, group, xp):
        raise NotImplementedError(f"{type(self).__name__} must define _update")

    # ---- state_dict ------------------------------------------------------------------------
    def state_dict(self):
        index = {}
        groups = []
        for group in self.param_groups:
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": ids})
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if p in self.state:
                    state[index[id(p)]] = {k: (Tensor._make(v, p._device, _dtype(v)) if hasattr(v, "shape") else v)
                                           for k, v in self.state[p].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise StateDictError(f"optimizer state_dict has {len(groups)} parameter groups, this optimizer has "
                                 f"{len(self.param_groups)}")
        params = []
        for saved, own in zip(groups, self.param_groups):
            if len(saved["params"]) != len(own["params"]):
                raise StateDictError(f"a parameter group in the state_dict has {len(saved['params'])} parameters, "
                                     f"the optimizer's has {len(own['params'])}")
            params.extend(zip(saved["params"], own["params"]))
            own.update({k: v for k, v in saved.items() if k != "params"})
        self.state = {}
        for saved_id, p in params:
            saved = state_dict["state"].get(saved_id, state_dict["state"].get(str(saved_id)))
            if saved is None:
                continue
            entry = {}
            for k, v in saved.items():
                if isinstance(v, Tensor):
                    if v.dtype.is_floating_point and tuple(v.shape) != () and tuple(v.shape) != tuple(p.shape):
                        raise StateDictError(f"optimizer state '{k}' has shape {tuple(v.shape)}, its parameter "
                                             f"{tuple(p.shape)}")
                    v = v.to(p.device)._data.copy()
                entry[k] = v
            self.state[p] = entry

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        return "\n".join(lines) + "\n)"


def _dtype(array):
    from ..backend.dtypes import dtype_of
    return dtype_of(array)
