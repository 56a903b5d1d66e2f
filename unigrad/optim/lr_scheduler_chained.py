"""Schedules composed of schedules, as PyTorch's: SequentialLR (one after another) and
ChainedScheduler (all of them every step, their factors multiplying)."""
from bisect import bisect_right

from ..errors import InvalidArgumentError
from .lr_scheduler import LRScheduler
from .lr_scheduler_plateau import ReduceLROnPlateau


def _check(name, optimizer, schedulers):
    if len(schedulers) < 1:
        raise InvalidArgumentError(f"{name}: expects at least one scheduler")
    for i, s in enumerate(schedulers):
        if isinstance(s, ReduceLROnPlateau):
            raise InvalidArgumentError(f"{name} does not take ReduceLROnPlateau (its step needs a metric), as "
                                       "PyTorch")
        if getattr(s, "optimizer", None) is not optimizer:
            raise InvalidArgumentError(f"{name}: scheduler {i} ({type(s).__name__}) steps another optimizer than "
                                       "the others")


class SequentialLR(LRScheduler):
    """Run schedulers one after another, switching at the milestones (PyTorch's SequentialLR);
    each later scheduler restarts from its epoch 0 when its turn comes."""
    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        _check("SequentialLR", optimizer, schedulers)
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
        first._initial_step()                  # ... and take the first one's again
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
    if hasattr(scheduler, "_schedulers"):   # a composed schedule: undo its parts
        for s in scheduler._schedulers:
            _undo_step(s)
    else:
        scheduler.last_epoch -= 1


class ChainedScheduler(LRScheduler):
    """Every scheduler steps at each step(), in order; with chainable schedules their factors
    multiply (PyTorch's ChainedScheduler)."""
    def __init__(self, schedulers, optimizer=None):
        optimizer = optimizer or (schedulers[0].optimizer if schedulers else None)
        _check("ChainedScheduler", optimizer, schedulers)
        self._schedulers, self.optimizer = list(schedulers), optimizer
        self._last_lr = [g["lr"] for g in optimizer.param_groups]

    def step(self):
        for s in self._schedulers:
            s.step()
        self._last_lr = [g["lr"] for g in self.optimizer.param_groups]

    state_dict = SequentialLR.state_dict
    load_state_dict = SequentialLR.load_state_dict
