"""Caffe's learning-rate policies (SGDSolver::GetLearningRate), in float32 as Caffe computes
them: fixed, step, exp, inv, multistep, poly, sigmoid."""
import math

import numpy as np

from . import glog
from .errors import NetDefinitionError

POLICIES = ("fixed", "step", "exp", "inv", "multistep", "poly", "sigmoid")


def check_policy(param):
    """The errors Caffe would raise at the first iteration, raised before training starts."""
    if param.lr_policy not in POLICIES:
        raise NetDefinitionError(f"unknown learning rate policy: {param.lr_policy!r} (Caffe's: {', '.join(POLICIES)})")
    if param.lr_policy == "step" and param.stepsize <= 0:
        raise NetDefinitionError("lr_policy 'step' needs stepsize > 0")
    if param.lr_policy == "poly" and param.max_iter <= 0:
        raise NetDefinitionError("lr_policy 'poly' needs max_iter > 0")


def learning_rate(param, it, current_step):
    """(rate, current_step) at iteration `it`; multistep advances at most one step per call and
    logs it, as Caffe does."""
    f32 = np.float32
    base, gamma, power = f32(param.base_lr), f32(param.gamma), f32(param.power)
    policy = param.lr_policy
    if policy == "fixed":
        rate = base
    elif policy == "step":
        current_step = it // param.stepsize
        rate = base * f32(math.pow(gamma, current_step))
    elif policy == "exp":
        rate = base * f32(math.pow(gamma, it))
    elif policy == "inv":
        rate = base * f32(math.pow(f32(1) + gamma * f32(it), -power))
    elif policy == "multistep":
        if current_step < len(param.stepvalue) and it >= param.stepvalue[current_step]:
            current_step += 1
            glog.info(f"MultiStep Status: Iteration {it}, step = {current_step}")
        rate = base * f32(math.pow(gamma, current_step))
    elif policy == "poly":
        rate = base * f32(math.pow(f32(1) - f32(it) / f32(param.max_iter), power))
    elif policy == "sigmoid":
        rate = base * (f32(1) / (f32(1) + f32(math.exp(-gamma * (f32(it) - f32(param.stepsize))))))
    else:
        check_policy(param)
    return float(f32(rate)), current_step
