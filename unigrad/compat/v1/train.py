"""tf.gradients and tf.train optimizers, with TensorFlow 1's update formulas."""
from ...autograd.engine import grad as autograd_grad
from ...core.grad_mode import no_grad
from ...errors import InvalidArgumentError
from ...ops import api as F
from .graph import GraphKeys, Operation, Tensor, add_to_collection, get_collection
from .not_covered import module_getattr
from .ops import convert_to_tensor
from .variables import Variable, make_slot, trainable_variables


def gradients(ys, xs, grad_ys=None, name="gradients"):
    """Symbolic d(sum of ys)/d(xs); None for an x that ys do not depend on (as in TF)."""
    ys = list(ys) if isinstance(ys, (list, tuple)) else [ys]
    xs = list(xs) if isinstance(xs, (list, tuple)) else [xs]
    seeds = [convert_to_tensor(g) for g in grad_ys] if grad_ys is not None else []
    n_y, n_x = len(ys), len(xs)

    def fn(*values):
        y_vals, x_vals, seed_vals = values[:n_y], values[n_y:n_y + n_x], values[n_y + n_x:]
        live = [(y, s) for y, s in zip(y_vals, seed_vals or [None] * n_y) if y.requires_grad]
        wanted = [x for x in x_vals if x.requires_grad]
        if not live or not wanted:
            return tuple(None for _ in x_vals)
        grads = iter(autograd_grad([y for y, _ in live], wanted, [s for _, s in live] if seeds else None,
                                   retain_graph=True, allow_unused=True))
        return tuple(next(grads) if x.requires_grad else None for x in x_vals)
    node = Tensor("gradients", ys + xs + seeds, fn, name, ys[0].dtype)
    return [Tensor("op", [node], lambda t, i=i: t[i], f"{name}/grad_{i}", x.dtype, x._shape) for i, x in enumerate(xs)]


class Optimizer:
    """Base of the TF1 optimizers: minimize() = compute_gradients() + apply_gradients()."""

    def __init__(self, learning_rate, name):
        self.learning_rate, self.name = learning_rate, name
        self.slots = {}

    def compute_gradients(self, loss, var_list=None):
        var_list = var_list if var_list is not None else trainable_variables()
        if not var_list:
            raise InvalidArgumentError("no variables to optimize: create tf.Variable(...) before minimize()")
        return list(zip(gradients(loss, var_list), var_list))

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        n = 2 * len(pairs)
        # a learning rate that is a graph tensor (tf.train.exponential_decay of the global step) is
        # read as an input of the update, before the global step advances
        lr = [self.learning_rate] if isinstance(self.learning_rate, Tensor) else []
        step = [global_step] if global_step is not None else []
        inputs = [x for pair in pairs for x in pair] + lr + step

        def fn(*values):
            self._lr_value = values[n] if lr else self.learning_rate
            with no_grad():
                for i in range(len(pairs)):
                    grad, var = values[2 * i], values[2 * i + 1]
                    if grad is not None:
                        self._apply(var, grad.detach(), self.slots.setdefault(id(var), {}))
                if step:
                    values[-1].add_(1)
            return None
        return Operation(inputs, fn, name or self.name)

    @property
    def lr(self):
        """The learning rate of the update being applied (a number or the value of a tensor)."""
        return self._lr_value

    def minimize(self, loss, global_step=None, var_list=None, name=None):
        return self.apply_gradients(self.compute_gradients(loss, var_list), global_step, name)

    def _slot(self, slots, key, var, fill=0.0):
        if key not in slots:
            slots[key] = make_slot(var)
            if fill:
                slots[key]._data.fill(fill)
        return slots[key]

    def _apply(self, var, grad, slots):
        raise NotImplementedError(f"{type(self).__name__} must define _apply")


class GradientDescentOptimizer(Optimizer):
    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(learning_rate, name)

    def _apply(self, var, grad, slots):
        var.sub_(F.mul(grad, self.lr))


class MomentumOptimizer(Optimizer):
    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum", use_nesterov=False):
        super().__init__(learning_rate, name)
        self.momentum, self.use_nesterov = momentum, use_nesterov

    def _apply(self, var, grad, slots):
        acc = self._slot(slots, "momentum", var)
        acc.mul_(self.momentum).add_(grad)
        step = F.add(grad, F.mul(acc, self.momentum)) if self.use_nesterov else acc
        var.sub_(F.mul(step, self.lr))


class AdamOptimizer(Optimizer):
    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, use_locking=False, name="Adam"):
        super().__init__(learning_rate, name)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon

    def _apply(self, var, grad, slots):
        m, v = self._slot(slots, "m", var), self._slot(slots, "v", var)
        t = self._slot(slots, "t", F.zeros((), dtype="float64"))  # step count: a graph value compiled runs advance
        t.add_(1.0)
        m.mul_(self.beta1).add_(F.mul(grad, 1 - self.beta1))
        v.mul_(self.beta2).add_(F.mul(F.mul(grad, grad), 1 - self.beta2))
        # TF1: lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t); var -= lr_t * m / (sqrt(v) + epsilon)
        lr_t = F.div(F.mul(F.sqrt(F.rsub(F.pow(self.beta2, t), 1.0)), self.lr),
                     F.rsub(F.pow(self.beta1, t), 1.0))
        var.sub_(F.to_dtype(F.mul(lr_t, F.div(m, F.add(F.sqrt(v), self.epsilon))), var.dtype))


class RMSPropOptimizer(Optimizer):
    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False, centered=False,
                 name="RMSProp"):
        super().__init__(learning_rate, name)
        self.decay, self.momentum, self.epsilon, self.centered = decay, momentum, epsilon, centered

    def _apply(self, var, grad, slots):
        ms = self._slot(slots, "rms", var, fill=1.0)  # TF1 starts the mean square at one
        mom = self._slot(slots, "momentum", var)
        ms.mul_(self.decay).add_(F.mul(F.mul(grad, grad), 1 - self.decay))
        denom = ms
        if self.centered:
            mg = self._slot(slots, "mg", var)
            mg.mul_(self.decay).add_(F.mul(grad, 1 - self.decay))
            denom = F.sub(ms, F.mul(mg, mg))
        mom.mul_(self.momentum).add_(F.div(F.mul(grad, self.lr), F.sqrt(F.add(denom, self.epsilon))))
        var.sub_(mom)


class AdagradOptimizer(Optimizer):
    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False, name="Adagrad"):
        super().__init__(learning_rate, name)
        self.initial = initial_accumulator_value

    def _apply(self, var, grad, slots):
        acc = self._slot(slots, "accumulator", var, fill=self.initial)
        acc.add_(F.mul(grad, grad))
        var.sub_(F.div(F.mul(grad, self.lr), F.sqrt(acc)))


def get_global_step(graph=None):
    steps = get_collection(GraphKeys.GLOBAL_STEP)
    return steps[0] if steps else None


def create_global_step(graph=None):
    from .ops import constant
    step = Variable(constant(0, dtype="int64"), trainable=False, name="global_step")
    add_to_collection(GraphKeys.GLOBAL_STEP, step)
    return step


def get_or_create_global_step(graph=None):
    step = get_global_step()  # (a graph tensor has no truth value: no `or` here)
    return step if step is not None else create_global_step()


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    """learning_rate * decay_rate ** (global_step / decay_steps), the quotient floored if staircase."""
    step = convert_to_tensor(global_step)

    def fn(s):
        p = F.div(F.to_dtype(s, "float32"), float(decay_steps))
        if staircase:
            p = F.floor(p)
        return F.mul(F.pow(F.full((), float(decay_rate)), p), float(learning_rate))
    return Tensor("op", [step], fn, name or "ExponentialDecay", "float32", ())


def piecewise_constant(x, boundaries, values, name=None):
    """values[i] while x <= boundaries[i] (values[-1] past the last boundary)."""
    if len(values) != len(boundaries) + 1:
        raise InvalidArgumentError(f"piecewise_constant needs one more value than boundaries, got {len(values)} "
                                   f"values and {len(boundaries)} boundaries")
    x = convert_to_tensor(x)

    def fn(v):
        out = F.full((), float(values[-1]))
        for b, val in reversed(list(zip(boundaries, values[:-1]))):
            out = F.where(F.le(F.to_dtype(v, "float64"), float(b)), F.full((), float(val)), out)
        return out
    return Tensor("op", [x], fn, name or "PiecewiseConstant", "float32", ())

from .saver import (CheckpointState, Saver, checkpoint_exists, get_checkpoint_state, import_meta_graph,  # noqa: E402,F401
                    latest_checkpoint, update_checkpoint_state)

__getattr__ = module_getattr("tf.train", lambda: list(globals()))
