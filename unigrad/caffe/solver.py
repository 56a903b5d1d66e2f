"""Caffe's solvers: SGD, Nesterov, AdaGrad, RMSProp, AdaDelta and Adam with Caffe's training loop
(testing, display, smoothed loss, snapshots, restore), log lines and update rules.

    solver = unigrad.caffe.get_solver("lenet_solver.prototxt")
    solver.solve()                  # or solver.step(100); solver.net.blobs["loss"].data

Each iteration's forward, backward, gradient clipping, normalisation, regularisation and update
run as one compiled graph (ug.jit); with iter_size > 1 the passes accumulate gradients in one
graph and the update runs in another.
"""
import os
import signal

import numpy as np

from ..autograd import grad as autograd_grad
from ..core.grad_mode import enable_grad, no_grad
from ..core.random import manual_seed
from ..graph.jit import jit
from ..ops import api as F
from . import glog, parallel
from .blob import _host as host_array
from .errors import NetDefinitionError
from .layers.base import Context
from .lr_policy import check_policy, learning_rate
from .mode import current_device
from .net import TEST, TRAIN, Net
from .parse import read_net, read_solver
from .proto import caffe_pb2 as pb
from .rng import set_random_seed
from .snapshot import restore_state, write_snapshot
from .update_rules import check_solver, history_count, update_value
from .weights import share_trained_layers


class Solver:
    """A Caffe solver (pycaffe's ``caffe.SGDSolver`` and friends): `net`, `test_nets`, `iter`,
    `step(n)`, `solve()`, `snapshot()`, `restore(path)`, `test(i)`.

    `keep_blobs`: after each step every blob of the train net holds the pass's data and
    diffs, as in Caffe (the default); False keeps only the outputs, which the `caffe train`
    command uses because it is faster.
    """
    type = None  # the update rule; None: the solver file's `type`

    def __init__(self, solver, keep_blobs=True, device=None, train_state=None):
        if isinstance(solver, pb.SolverParameter):
            self.param, self.source = solver, "<SolverParameter>"
        else:
            self.source = os.fspath(solver)
            self.param = read_solver(self.source)
        p = self.param
        if self.type is not None:
            p.type = self.type
        self.kind = p.type
        check_solver(p)
        check_policy(p)
        if p.average_loss < 1:
            raise NetDefinitionError(f"{self.source}: average_loss should be non-negative (got {p.average_loss})")
        if train_state is not None:
            p.train_state.MergeFrom(train_state)
        glog.info("Initializing solver from parameters: \n" + _text(p))
        self.iter, self.current_step = 0, 0
        self._check_snapshot_prefix()
        self.group = parallel.group()  # several ranks: Caffe's multi-GPU training (parallel.py)
        if p.random_seed >= 0:
            set_random_seed(p.random_seed + parallel.rank())  # Caffe adds the solver's rank
            manual_seed(p.random_seed + parallel.rank())
        self.device = device or current_device()
        self.keep_blobs = keep_blobs
        self.net = self._train_net()
        self.test_nets = self._test_nets() if parallel.is_root() else []  # only the root tests
        for test_net in self.test_nets:
            share_trained_layers(self.net, test_net)
        for path in p.weights:
            self._load_weights(path)
        self.learnables = list(self.net.built.learnables)
        if self.group is not None:
            parallel.broadcast_learnables(self)
        n_hist = history_count(self.kind)
        self.history = [[F.zeros(*lr.tensor.shape, device=self.device) if lr.tensor.shape else
                         F.zeros((), device=self.device) for lr in self.learnables] for _ in range(n_hist)]
        self.losses, self.smoothed_loss = [], 0.0
        self.requested = None  # "stop" or "snapshot", set by a signal handler
        self._steps = {}
        glog.info("Solver scaffolding done.")

    # ---- construction --------------------------------------------------------------------------
    def _net_param(self, field_file, field_param, what):
        p = self.param
        if p.HasField(field_param):
            glog.info(f"Creating {what} specified in {field_param}.")
            copy = pb.NetParameter()
            copy.CopyFrom(getattr(p, field_param))
            return read_net(copy), field_param
        path = getattr(p, field_file)
        glog.info(f"Creating {what} from {field_file} file: {path}")
        return read_net(path), path

    def _train_net(self):
        p = self.param
        given = [f for f in ("net", "net_param", "train_net", "train_net_param") if p.HasField(f)]
        if len(given) != 1:
            raise NetDefinitionError(f"{self.source}: the solver must specify exactly one train net with net, net_param, "
                                     f"train_net or train_net_param; it gives {given or 'none'}")
        if given[0] in ("net", "train_net"):
            param, source = self._net_param(given[0], given[0] + "_param", "training net")
        else:
            param, source = self._net_param(given[0].replace("_param", ""), given[0], "training net")
        # solver defaults, then the net file's own state, then train_state (highest precedence)
        state = pb.NetState(phase=TRAIN)
        state.MergeFrom(param.state)
        state.MergeFrom(p.train_state)
        net = Net(param, state=state, device=self.device)
        net.source = source
        return net

    def _test_nets(self):
        p = self.param
        generic = [f for f in ("net", "net_param") if p.HasField(f)]
        if len(generic) > 1:
            raise NetDefinitionError(f"{self.source}: both net_param and net may not be specified")
        specified = len(p.test_net_param) + len(p.test_net)
        if (generic and len(p.test_iter) < specified) or (not generic and len(p.test_iter) != specified):
            raise NetDefinitionError(f"{self.source}: test_iter must be specified for each test network "
                                     f"({specified} test nets, {len(p.test_iter)} test_iter)")
        sources = [("test_net_param", read_net(_copy(n))) for n in p.test_net_param]
        sources += [(f"test_net file: {f}", read_net(f)) for f in p.test_net]
        remaining = len(p.test_iter) - len(sources)
        if generic:
            generic_param = read_net(_copy(p.net_param)) if generic[0] == "net_param" else read_net(p.net)
            label = "net_param" if generic[0] == "net_param" else f"net file: {p.net}"
            sources += [(label, generic_param) for _ in range(remaining)]
        if len(p.test_state) and len(p.test_state) != len(sources):
            raise NetDefinitionError(f"{self.source}: test_state must be unspecified or specified once per test net "
                                     f"({len(sources)} test nets, {len(p.test_state)} test_state)")
        if sources and p.test_interval <= 0:
            raise NetDefinitionError(f"{self.source}: test nets need test_interval > 0")
        nets = []
        for i, (label, param) in enumerate(sources):
            state = pb.NetState(phase=TEST)
            state.MergeFrom(param.state)
            if len(p.test_state):
                state.MergeFrom(p.test_state[i])
            glog.info(f"Creating test net (#{i}) specified by {label}")
            nets.append(Net(_copy(param), state=state, device=self.device))
        return nets

    def _check_snapshot_prefix(self):
        p = self.param
        if not p.snapshot:
            return
        if not p.HasField("snapshot_prefix"):
            raise NetDefinitionError(f"{self.source}: snapshot is specified but snapshot_prefix is not")
        probe = self.snapshot_filename(".tempfile")
        try:
            with open(probe, "w"):
                pass
            os.remove(probe)
        except OSError:
            raise NetDefinitionError(f"Cannot write to snapshot prefix '{p.snapshot_prefix}'. Make sure that the "
                                     "directory exists and is writable.") from None

    def _load_weights(self, paths):
        for path in str(paths).split(","):
            glog.info(f"Finetuning from {path}")
            for net in [self.net] + self.test_nets:
                net.copy_from(path)

    def snapshot_filename(self, extension):
        return f"{self.param.snapshot_prefix}_iter_{self.iter}{extension}"

    # ---- one iteration as compiled graphs ------------------------------------------------------
    def _step_function(self, plan, fused):
        """The compiled pass: forward, loss, backward, and (when `fused`) clipping, normalisation,
        regularisation and the update. Inputs: the data feeds, the dropout masks, the learning
        rate and Adam's correction (0-d tensors, read live)."""
        net = self.net
        n, m = len(plan.externals), len(plan.mask_layers)
        mask_names = [layer.name for layer in plan.mask_layers]
        learnables = self.learnables
        wanted = [i for i, lr in enumerate(learnables) if lr.tensor.requires_grad]
        keep = self.keep_blobs
        outputs = list(net.outputs)

        def forward_backward(args):
            feeds = dict(zip(plan.externals, args[:n]))
            masks = dict(zip(mask_names, args[n:n + m]))
            with enable_grad():
                values, first = net.evaluate(plan, feeds, Context(TRAIN, masks, update_stats=True))
                loss = net._loss_tensor(values)
                tensors = [learnables[i].tensor for i in wanted]
                grads = autograd_grad(loss, tensors, allow_unused=True) if tensors and loss.requires_grad else \
                    [None] * len(tensors)
            full = [None] * len(learnables)
            for i, g in zip(wanted, grads):
                full[i] = g
            return values, loss, full

        if fused:
            def step(*args):
                values, loss, grads = forward_backward(args)
                norm, updates = self._apply(grads, args[n + m], args[n + m + 1])
                out = [loss] + [values[o] for o in outputs]
                out.append(norm if norm is not None else F.zeros((), device=self.device))
                if keep:
                    out += [values[b] for b in plan.produced] + list(updates)
                return tuple(out)
            return jit(step) if net.compiled else step

        accumulators = self._accumulators()

        def accumulate(*args):
            values, loss, grads = forward_backward(args)
            with no_grad():
                for acc, g in zip(accumulators, grads):
                    if g is not None:
                        acc.add_(g)
            return tuple([loss] + [values[o] for o in outputs])
        return jit(accumulate) if net.compiled else accumulate

    def _update_accumulated(self, rate_t, corr_t):
        """The update from the gradients summed in the accumulators (averaged over the ranks
        first), as a compiled graph that also zeroes them; returns the gradient norm."""
        if "update" not in self._steps:
            accumulators = self._accumulators()
            # a parameter the backward does not reach has no gradient (Caffe clears the diffs before
            # each iteration; a host pass leaves such a parameter's diff at its last update)
            reached = {id(ref.learnable) for layer in self.net.built.layers
                       for ref, need in zip(layer.params, layer.param_need_grad) if need}
            mask = [id(lr) in reached and lr.tensor.requires_grad for lr in self.learnables]

            def update(rate, correction):
                grads = [acc if keep else None for acc, keep in zip(accumulators, mask)]
                norm, updates = self._apply(grads, rate, correction)
                with no_grad():
                    for acc in accumulators:
                        acc.zero_()
                return (norm if norm is not None else F.zeros((), device=self.device),) + tuple(updates)
            self._steps["update"] = jit(update) if self.net.compiled else update
        if self.group is not None:
            parallel.average(self._accumulators())
        with no_grad():
            result = self._steps["update"](rate_t, corr_t)
        self._set_param_diffs(result[1:])
        return result[0]

    def _apply(self, grads, rate, correction):
        """Caffe's ApplyUpdate on gradient Tensors (None: no gradient): clip, normalise by
        iter_size, regularise, the update rule, w -= update. Returns (norm or None, updates)."""
        p, learnables = self.param, self.learnables
        with no_grad():
            norm = None
            if p.clip_gradients >= 0:
                total = None
                for g in grads:
                    if g is not None:
                        s = F.sum(F.square(g))
                        total = s if total is None else F.add(total, s)
                norm = F.sqrt(total) if total is not None else F.zeros((), device=self.device)
                scale = F.where(F.gt(norm, p.clip_gradients), F.div(p.clip_gradients, F.clamp(norm, min=1e-38)),
                                F.ones_like(norm))
                grads = [None if g is None else F.mul(g, scale) for g in grads]
            updates = []
            for i, lr in enumerate(learnables):
                w, g = lr.tensor, grads[i]
                if g is None:
                    g = F.zeros_like(w)
                if p.iter_size > 1:
                    g = F.mul(g, 1.0 / p.iter_size)
                decay = p.weight_decay * lr.decay_mult
                if decay:
                    g = F.add(g, F.mul(w.detach() if p.regularization_type == "L2" else F.sign(w.detach()), decay))
                local = F.mul(rate, lr.lr_mult)
                u = update_value(self.kind, p, g, [h[i] for h in self.history], local, correction)
                w.sub_(u)
                updates.append(u)
        return norm, updates

    def _accumulators(self):
        if not hasattr(self, "_acc"):
            self._acc = [F.zeros(*lr.tensor.shape, device=self.device) if lr.tensor.shape else
                         F.zeros((), device=self.device) for lr in self.learnables]
        return self._acc

    def _scalar(self, value):
        return self.net._tensor(np.asarray(value, np.float32))

    def _iteration(self, rate, correction):
        """One iteration's passes and update; returns (mean loss, last pass's outputs, grad norm)."""
        net, p = self.net, self.param
        plan = net._plan(0, len(net.built.layers) - 1)
        net._sync_params()
        rate_t, corr_t = self._scalar(rate), self._scalar(correction)
        if net.needs_host:
            return self._host_iteration(rate_t, corr_t)
        if p.iter_size == 1 and self.group is None:
            key = ("fused", self.keep_blobs)
            if key not in self._steps:
                self._steps[key] = self._step_function(plan, fused=True)
            feeds = net._source_feeds(plan, pull=True)
            masks = net._draw_masks(plan)
            with no_grad():
                out = self._steps[key](*feeds, *masks, rate_t, corr_t)
            k = len(net.outputs)
            loss, outputs, norm = out[0], out[1:1 + k], out[1 + k]
            if self.keep_blobs:
                rest = out[2 + k:]
                for name, t in zip(plan.produced, rest):
                    net.blobs[name].set_data(t)
                self._set_param_diffs(rest[len(plan.produced):])
            else:
                for name, t in zip(net.outputs, outputs):
                    net.blobs[name].set_data(t)
            return loss.item(), outputs, norm
        key = ("accumulate", False)
        if key not in self._steps:
            self._steps[key] = self._step_function(plan, fused=False)
        accumulate = self._steps[key]
        total = 0.0
        for _ in range(p.iter_size):
            feeds = net._source_feeds(plan, pull=True)
            masks = net._draw_masks(plan)
            with no_grad():
                out = accumulate(*feeds, *masks)
            total += out[0].item()
            outputs = out[1:]
        for name, t in zip(net.outputs, outputs):
            net.blobs[name].set_data(t)
        return total / p.iter_size, outputs, self._update_accumulated(rate_t, corr_t)

    def _host_iteration(self, rate_t, corr_t):
        """A net with Python (or HDF5Output) layers: Net.forward/backward between them, summed
        parameter gradients, then the compiled update."""
        net, p = self.net, self.param
        total, grads = 0.0, None
        for _ in range(p.iter_size):
            net.forward()
            total += net.loss()
            net.backward()
            diffs = [self._param_diff(lr) for lr in self.learnables]
            grads = diffs if grads is None else [a + b for a, b in zip(grads, diffs)]
        for acc, g in zip(self._accumulators(), grads):
            acc._data[...] = acc.device.xp.asarray(g.reshape(acc.shape))
            acc._vc[0] += 1
        return total / p.iter_size, [net.blobs[name].data for name in net.outputs], \
            self._update_accumulated(rate_t, corr_t)

    def _param_diff(self, learnable):
        blobs = self.net._param_blobs_of(learnable)
        return np.array(blobs[0].diff, np.float32) if blobs else np.zeros(learnable.tensor.shape, np.float32)

    def _set_param_diffs(self, updates):
        for lr, u in zip(self.learnables, updates):
            for blob in self.net._param_blobs_of(lr):
                blob.set_diff(u)

    # ---- the loop --------------------------------------------------------------------------
    def _rate(self):
        rate, self.current_step = learning_rate(self.param, self.iter, self.current_step)
        return rate

    def _correction(self):
        if self.kind != "Adam":
            return 1.0
        p, t = self.param, self.iter + 1
        f32 = np.float32
        return float(np.sqrt(f32(1) - f32(p.momentum2) ** t) / (f32(1) - f32(p.momentum) ** t))

    def _update_smoothed_loss(self, loss, start_iter):
        average = self.param.average_loss
        if len(self.losses) < average:
            self.losses.append(loss)
            self.smoothed_loss = (self.smoothed_loss * (len(self.losses) - 1) + loss) / len(self.losses)
        else:
            idx = (self.iter - start_iter) % average
            self.smoothed_loss += (loss - self.losses[idx]) / average
            self.losses[idx] = loss

    def _log_outputs(self, net, values, prefix):
        weights = net.blob_loss_weights()
        index = 0
        for name, value in zip(net.outputs, values):
            w = weights[name]
            array = value if isinstance(value, np.ndarray) else host_array(value)
            for v in np.asarray(array, np.float32).reshape(-1):
                suffix = f" (* {glog.num(w)} = {glog.num(np.float32(w) * v)} loss)" if w else ""
                glog.info(f"    {prefix} net output #{index}: {name} = {glog.num(v)}{suffix}")
                index += 1

    def step(self, iters, progress=None):
        """Run `iters` iterations (Caffe's Solver::Step): tests at test_interval, display, update,
        snapshots."""
        p = self.param
        start_iter, stop_iter = self.iter, self.iter + iters
        self.losses, self.smoothed_loss = [], 0.0
        while self.iter < stop_iter:
            if p.test_interval and self.iter % p.test_interval == 0 and (self.iter > 0 or p.test_initialization):
                self.test_all()
                if self.group is not None:  # the root may have been interrupted while testing
                    self.requested = parallel.agree(self.requested)
                if self.requested == "stop":
                    break
            display = p.display and self.iter % p.display == 0
            rate = self._rate()
            loss, outputs, norm = self._iteration(rate, self._correction())
            self._update_smoothed_loss(loss, start_iter)
            if display:
                # the short form parse_log.py and parse_log.sh both read (Caffe 1.0 adds the speed
                # in parentheses, which parse_log.sh's field positions do not take)
                glog.info(f"Iteration {self.iter}, loss = {glog.num(self.smoothed_loss)}")
                self._log_outputs(self.net, outputs, "Train")
                glog.info(f"Iteration {self.iter}, lr = {glog.num(rate)}")
            if p.clip_gradients >= 0:
                n = norm.item()
                if n > p.clip_gradients:
                    glog.info(f"Gradient clipping: scaling down gradients (L2 norm {glog.num(n)} > "
                              f"{glog.num(p.clip_gradients)}) by scale factor {glog.num(p.clip_gradients / n)}")
            self.iter += 1
            if progress is not None:
                progress.update()
            if self.group is not None:
                self.requested = parallel.agree(self.requested)
            request, self.requested = self.requested, (None if self.requested == "snapshot" else self.requested)
            if (p.snapshot and self.iter % p.snapshot == 0) or request == "snapshot":
                self.snapshot()
            if request == "stop":
                break

    def solve(self, resume_file=None, progress=None):
        """Train to max_iter (Caffe's Solver::Solve), resuming from a .solverstate when given."""
        p = self.param
        glog.info(f"Solving {self.net.name}")
        glog.info(f"Learning Rate Policy: {p.lr_policy}")
        self.requested = None
        if resume_file:
            glog.info(f"Restoring previous solver status from {resume_file}")
            self.restore(resume_file)
        start_iter = self.iter
        self.step(p.max_iter - self.iter, progress)
        if p.snapshot_after_train and (not p.snapshot or self.iter % p.snapshot != 0):
            self.snapshot()
        if self.requested == "stop":
            glog.info("Optimization stopped early.")
            return
        if p.display and self.iter % p.display == 0:
            loss = self._forward_loss()
            self._update_smoothed_loss(loss, start_iter)
            glog.info(f"Iteration {self.iter}, loss = {glog.num(self.smoothed_loss)}")
        if p.test_interval and self.iter % p.test_interval == 0:
            self.test_all()
        glog.info("Optimization Done.")

    def _forward_loss(self):
        self.net.forward()
        return self.net.loss()

    def test_all(self):
        for i in range(len(self.test_nets)):
            if self.requested == "stop":
                break
            self.test(i)

    def test(self, index=0):
        """Caffe's Solver::Test: test_iter[index] forward passes of test net `index`, each output
        averaged and logged."""
        p = self.param
        net = self.test_nets[index]
        glog.info(f"Iteration {self.iter}, Testing net (#{index})")
        scores, loss = None, 0.0
        for _ in range(p.test_iter[index]):
            while self.requested is not None:
                request, self.requested = self.requested, None
                if request == "snapshot":
                    self.snapshot()
                else:
                    self.requested = "stop"
                    break
            if self.requested == "stop":
                glog.info("Test interrupted.")
                return None
            out = net._forward_outputs() if not self.keep_blobs else \
                [net.forward()[name] for name in net.outputs]
            values = np.concatenate([np.asarray(v, np.float32).reshape(-1) for v in out]) if out else \
                np.zeros(0, np.float32)
            scores = values if scores is None else scores + values
            if p.test_compute_loss:
                loss += net.loss() if self.keep_blobs else net._loss_of(out)
        if p.test_compute_loss:
            glog.info(f"Test loss: {glog.num(loss / p.test_iter[index])}")
        means = (scores / np.float32(p.test_iter[index])) if scores is not None else []
        weights = net.blob_loss_weights()
        names = [name for name in net.outputs for _ in range(net.blobs[name].count)]
        for i, (name, mean) in enumerate(zip(names, means)):
            w = weights[name]
            suffix = f" (* {glog.num(w)} = {glog.num(np.float32(w) * mean)} loss)" if w else ""
            glog.info(f"    Test net output #{i}: {name} = {glog.num(mean)}{suffix}")
        return dict(zip(names, means))

    # ---- snapshots -------------------------------------------------------------------------
    def snapshot(self):
        """Write <prefix>_iter_<iter>.caffemodel (or .caffemodel.h5) and the .solverstate (the
        root rank only, when training on several)."""
        if not parallel.is_root():
            return None
        return write_snapshot(self)

    def restore(self, path):
        """Resume from a .solverstate (or .solverstate.h5): iteration, step, weights (from its
        learned_net) and histories."""
        restore_state(self, path)

    # ---- signals ---------------------------------------------------------------------------
    def handle_signals(self, sigint="stop", sighup="snapshot"):
        """Caffe's --sigint_effect / --sighup_effect: 'stop', 'snapshot' or 'none'."""
        def handler(effect):
            def on_signal(signum, frame):
                if effect != "none":
                    self.requested = effect if self.requested != "stop" else "stop"
            return on_signal
        previous = {signal.SIGINT: signal.signal(signal.SIGINT, handler(sigint))}
        if hasattr(signal, "SIGHUP"):
            previous[signal.SIGHUP] = signal.signal(signal.SIGHUP, handler(sighup))
        return previous

    def __repr__(self):
        return f"<caffe.{type(self).__name__} '{self.net.name}' iter {self.iter}>"


def _copy(message):
    out = type(message)()
    out.CopyFrom(message)
    return out


def _text(message):
    from google.protobuf import text_format
    return text_format.MessageToString(message)


class SGDSolver(Solver):
    """Stochastic gradient descent with Caffe's momentum (the rate inside the history)."""
    type = "SGD"


class NesterovSolver(Solver):
    """Nesterov's accelerated gradient, Caffe's formulation."""
    type = "Nesterov"


class AdaGradSolver(Solver):
    """AdaGrad (momentum must be 0)."""
    type = "AdaGrad"


class RMSPropSolver(Solver):
    """RMSProp with rms_decay (momentum must be 0)."""
    type = "RMSProp"


class AdaDeltaSolver(Solver):
    """AdaDelta (momentum is the decay; two histories)."""
    type = "AdaDelta"


class AdamSolver(Solver):
    """Adam (momentum, momentum2, delta; two histories)."""
    type = "Adam"


_BY_TYPE = {cls.type: cls for cls in (SGDSolver, NesterovSolver, AdaGradSolver, RMSPropSolver, AdaDeltaSolver,
                                      AdamSolver)}


def get_solver(solver, keep_blobs=True, **kwargs):
    """The solver a solver prototxt (or SolverParameter) asks for (pycaffe's ``caffe.get_solver``)."""
    param = solver if isinstance(solver, pb.SolverParameter) else read_solver(os.fspath(solver))
    cls = _BY_TYPE.get(param.type)
    if cls is None:
        raise NetDefinitionError(f"unknown solver type {param.type!r}; Caffe's solvers: {', '.join(_BY_TYPE)}")
    made = cls(param, keep_blobs=keep_blobs, **kwargs)
    if not isinstance(solver, pb.SolverParameter):
        made.source = os.fspath(solver)
    return made
