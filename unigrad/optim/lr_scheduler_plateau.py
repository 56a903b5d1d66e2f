"""ReduceLROnPlateau (driven by a metric) and SequentialLR (schedules one after another), with
PyTorch's rules."""
from bisect import bisect_right

from ..errors import InvalidArgumentError
from .lr_scheduler import LRScheduler


class ReduceLROnPlateau(LRScheduler):
    """Multiply the lr by factor when the metric passed to step(metric) has not improved for
    more than patience epochs (PyTorch's ReduceLROnPlateau: mode min/max, relative or absolute
    threshold, cooldown, min_lr, changes smaller than eps skipped)."""
    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0, eps=1e-8):
        if factor >= 1.0:
            raise InvalidArgumentError(f"ReduceLROnPlateau: factor should be < 1.0, got {factor}")
        if mode not in ("min", "max") or threshold_mode not in ("rel", "abs"):
            raise InvalidArgumentError(f"ReduceLROnPlateau: mode must be 'min' or 'max' and threshold_mode 'rel' or "
                                       f"'abs', got {mode!r} and {threshold_mode!r}")
        self.optimizer, self.factor = optimizer, factor
        groups = optimizer.param_groups
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != len(groups):
                raise InvalidArgumentError(f"ReduceLROnPlateau: expected {len(groups)} min_lrs, got {len(min_lr)}")
            self.min_lrs = list(min_lr)
        else:
            self.min_lrs = [min_lr] * len(groups)
        self.patience, self.cooldown, self.mode = patience, cooldown, mode
        self.threshold, self.threshold_mode, self.eps = threshold, threshold_mode, eps
        self.mode_worse = float("inf") if mode == "min" else float("-inf")
        self.last_epoch = 0
        self._last_lr = [g["lr"] for g in groups]
        self._reset()

    def _reset(self):
        self.best, self.cooldown_counter, self.num_bad_epochs = self.mode_worse, 0, 0

    @property
    def in_cooldown(self):
        return self.cooldown_counter > 0

    def is_better(self, a, best):
        if self.mode == "min":
            return a < best * (1.0 - self.threshold) if self.threshold_mode == "rel" else a < best - self.threshold
        return a > best * (self.threshold + 1.0) if self.threshold_mode == "rel" else a > best + self.threshold

    def step(self, metrics, epoch=None):
        current = float(metrics)
        self.last_epoch = self.last_epoch + 1 if epoch is None else epoch
        if self.is_better(current, self.best):
            self.best, self.num_bad_epochs = current, 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0   # no bad epochs counted in cooldown
        if self.num_bad_epochs > self.patience:
            for group, floor in zip(self.optimizer.param_groups, self.min_lrs):
                old = float(group["lr"])
                new = max(old * self.factor, floor)
                if old - new > self.eps:
                    group["lr"] = new
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = [g["lr"] for g in self.optimizer.param_groups]


class SequentialLR(LRScheduler):
    """Run schedulers one after another, switching at the milestones (PyTorch's SequentialLR);
    each later scheduler restarts from its epoch 0 when its turn comes."""
    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        if len(schedulers) < 1:
            raise InvalidArgumentError("SequentialLR: expects at least one scheduler")
        for i, s in enumerate(schedulers):
            if getattr(s, "optimizer", None) is not optimizer:
                raise InvalidArgumentError(f"SequentialLR: scheduler {i} ({type(s).__name__}) steps another optimizer "
                                           "than the one given")
            if isinstance(s, ReduceLROnPlateau):
                raise InvalidArgumentError("SequentialLR does not take ReduceLROnPlateau (it needs a metric per "
                                           "step), as PyTorch")
        if len(milestones) != len(schedulers) - 1:
            raise InvalidArgumentError(f"SequentialLR: {len(schedulers)} schedulers need {len(schedulers) - 1} "
                                       f"milestones, got {len(milestones)}")
        self._schedulers, self._milestones = list(schedulers), list(milestones)
        self.last_epoch, self.optimizer = last_epoch + 1, optimizer
        for group in optimizer.param_groups:   # back to the initial lrs the schedulers' first steps changed
            group["lr"] = group["initial_lr"]
        for s in self._schedulers:             # undo those first steps ...
            _undo_step(s)
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first.step()                           # ... and take the first one's again
        self._last_lr = first.get_last_lr()

    def step(self):
        self.last_epoch += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            scheduler.step(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self):
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state):
        state = dict(state)
        saved = state.pop("_schedulers")
        self.__dict__.update(state)
        for s, s_state in zip(self._schedulers, saved):
            s.load_state_dict(s_state)


def _undo_step(scheduler):
    if isinstance(scheduler, SequentialLR):
        for s in scheduler._schedulers:
            _undo_step(s)
    else:
        scheduler.last_epoch -= 1
