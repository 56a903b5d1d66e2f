"""L-BFGS with PyTorch's algorithm (optim.LBFGS): the same two-loop recursion, first step,
stopping rules and strong-Wolfe line search, so its iterates are torch's.

Like torch it keeps one flat view of every parameter, needs a closure that re-evaluates the
loss (and its gradients), and supports one parameter group. The math runs on the parameters'
raw arrays in their dtype (no tape), as the other optimizers' updates do."""
from ..core.grad_mode import enable_grad
from ..core.trace_hook import state as _trace
from ..errors import InvalidArgumentError
from .optimizer import Optimizer


class LBFGS(Optimizer):
    """PyTorch's ``optim.LBFGS``; ``step(closure)`` runs up to max_iter iterations.

    Args:
        params: the parameters (one group).
        lr: the step size (the first iteration scales it by min(1, 1 / |grad|_1)). Default: 1.
        max_iter: iterations per step. Default: 20.
        max_eval: closure evaluations per step. Default: max_iter * 5 // 4.
        tolerance_grad: stop when the largest gradient component is at most this. Default: 1e-7.
        tolerance_change: stop when the step or the loss change is below this. Default: 1e-9.
        history_size: curvature pairs kept. Default: 100.
        line_search_fn: None (fixed step lr) or "strong_wolfe".

    Example::

        >>> x = ug.nn.Parameter(ug.tensor([1.5, -0.5]))
        >>> opt = ug.optim.LBFGS([x], line_search_fn="strong_wolfe")
        >>> def closure():
        ...     opt.zero_grad()
        ...     loss = ((x - ug.tensor([1.0, 2.0])) ** 2).sum()
        ...     loss.backward()
        ...     return loss
        >>> _ = opt.step(closure)
        >>> x.detach()
        tensor([1., 2.])
    """
    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
                 history_size=100, line_search_fn=None):
        if lr < 0 or max_iter < 1 or history_size < 1:
            raise InvalidArgumentError(f"LBFGS: invalid lr={lr}, max_iter={max_iter} or history_size={history_size}")
        if line_search_fn not in (None, "strong_wolfe"):
            raise InvalidArgumentError(f"LBFGS: line_search_fn must be None or 'strong_wolfe', not {line_search_fn!r}")
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change, history_size=history_size,
                                      line_search_fn=line_search_fn))
        if len(self.param_groups) != 1:
            raise InvalidArgumentError("LBFGS doesn't support per-parameter options (parameter groups), as PyTorch")
        self._params = self.param_groups[0]["params"]

    def add_param_group(self, group):
        if self.param_groups:
            raise InvalidArgumentError("LBFGS doesn't support per-parameter options (parameter groups), as PyTorch")
        super().add_param_group(group)

    # ---- state_dict: the history as lists of flat tensors, as torch's ----------------------
    def state_dict(self):
        from ..backend.dtypes import dtype_of
        from ..core.tensor import Tensor
        device = self._params[0]._device
        saved = super().state_dict()
        for entry in saved["state"].values():
            for key in ("old_dirs", "old_stps"):
                if key in entry:
                    entry[key] = [Tensor._make(a, device, dtype_of(a)) for a in entry[key]]
        return saved

    def load_state_dict(self, state_dict):
        from ..core.tensor import Tensor
        state = dict(state_dict)
        entries = state.pop("state")
        super().load_state_dict({**state, "state": {}})   # the group's settings, checked
        device = self._params[0]._device

        def array(v):
            return v.to(device)._data.copy() if isinstance(v, Tensor) else v
        self.state = {}
        for entry in entries.values():   # LBFGS keeps everything under its first parameter
            self.state[self._params[0]] = {k: [array(a) for a in v] if isinstance(v, list) else array(v)
                                           for k, v in entry.items()}

    # ---- flat views of the parameters ------------------------------------------------------
    def _xp(self):
        return self._params[0]._device.xp

    def _flat_grad(self):
        xp = self._xp()
        return xp.concatenate([xp.zeros(p._data.size, p._data.dtype) if p.grad is None else p.grad._data.reshape(-1)
                               for p in self._params])

    def _add_grad(self, step, direction):
        offset = 0
        for p in self._params:
            n = p._data.size
            p._data += step * direction[offset:offset + n].reshape(p._data.shape)
            p._vc[0] += 1
            offset += n

    def _set_params(self, values):
        for p, v in zip(self._params, values):
            p._data[...] = v
            p._vc[0] += 1

    def _evaluate(self, closure, x, t, d):
        """Loss and flat gradient at x + t * d; the parameters go back to x."""
        self._add_grad(t, d)
        with enable_grad():
            loss = float(closure())
        flat_grad = self._flat_grad()
        self._set_params(x)
        return loss, flat_grad

    # ---- the step --------------------------------------------------------------------------
    def step(self, closure):
        if closure is None:
            raise InvalidArgumentError("LBFGS.step needs a closure that zeroes the gradients, computes the loss, "
                                       "calls backward() and returns the loss (it is re-evaluated many times)")
        if _trace.tracer.active:
            raise InvalidArgumentError("LBFGS.step cannot be compiled: how often it runs the closure depends on the "
                                       "loss values. Call it outside ug.jit (the closure itself may be a ug.jit "
                                       "function)")
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        state = self.state.setdefault(self._params[0], {})
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        with enable_grad():
            orig_loss = closure()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._flat_grad()
        if abs(flat_grad).max() <= tolerance_grad:
            return orig_loss

        d, t = state.get("d"), state.get("t")
        old_dirs, old_stps, ro = state.get("old_dirs"), state.get("old_stps"), state.get("ro")
        H_diag, prev_flat_grad, prev_loss = state.get("H_diag"), state.get("prev_flat_grad"), state.get("prev_loss")
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro, H_diag = [], [], [], 1
            else:
                d, H_diag = _direction(flat_grad, prev_flat_grad, d, t, old_dirs, old_stps, ro, H_diag,
                                       group["history_size"])
            prev_flat_grad = flat_grad.copy()
            prev_loss = loss
            # the first step is scaled down by the gradient's size (no curvature known yet)
            t = min(1.0, 1.0 / float(abs(flat_grad).sum())) * lr if state["n_iter"] == 1 else lr
            gtd = float(flat_grad.dot(d))
            if gtd > -tolerance_change:   # not a descent direction
                break
            ls_func_evals = 0
            if group["line_search_fn"] is not None:
                x_init = [p._data.copy() for p in self._params]
                loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                    lambda x, step, direction: self._evaluate(closure, x, step, direction),
                    x_init, t, d, loss, flat_grad, gtd)
                self._add_grad(t, d)
                opt_cond = abs(flat_grad).max() <= tolerance_grad
            else:
                self._add_grad(t, d)
                opt_cond = False
                if n_iter != max_iter:
                    with enable_grad():
                        loss = float(closure())
                    flat_grad = self._flat_grad()
                    opt_cond = abs(flat_grad).max() <= tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals
            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if abs(d * t).max() <= tolerance_change or abs(loss - prev_loss) < tolerance_change:
                break
        state.update(d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=H_diag,
                     prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
        return orig_loss


def _direction(flat_grad, prev_flat_grad, d, t, old_dirs, old_stps, ro, H_diag, history_size):
    """The L-BFGS direction: update the curvature history with the last step, then the two-loop
    recursion over it (lists updated in place)."""
    y = flat_grad - prev_flat_grad
    s = d * t
    ys = float(y.dot(s))
    if ys > 1e-10:   # keep the pair only where the curvature condition holds
        if len(old_dirs) == history_size:
            old_dirs.pop(0)
            old_stps.pop(0)
            ro.pop(0)
        old_dirs.append(y)
        old_stps.append(s)
        ro.append(1.0 / ys)
        H_diag = ys / float(y.dot(y))
    al = [0.0] * len(old_dirs)
    q = -flat_grad
    for i in range(len(old_dirs) - 1, -1, -1):
        al[i] = float(old_stps[i].dot(q)) * ro[i]
        q -= al[i] * old_dirs[i]
    r = q * H_diag
    for i in range(len(old_dirs)):
        be_i = float(old_dirs[i].dot(r)) * ro[i]
        r += (al[i] - be_i) * old_stps[i]
    return r, H_diag


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to bounds."""
    lo, hi = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square < 0:
        return (lo + hi) / 2.0
    d2 = d2_square ** 0.5
    if x1 <= x2:
        min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(min_pos, lo), hi)


def _strong_wolfe(obj_func, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """A step t along d meeting the strong Wolfe conditions: bracket, then zoom (torch's
    _strong_wolfe). Returns (loss, flat gradient, t, evaluations)."""
    d_norm = float(abs(d).max())
    g = g.copy()
    f_new, g_new = obj_func(x, t, d)
    ls_func_evals = 1
    gtd_new = float(g_new.dot(d))
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    bracket = bracket_f = bracket_g = bracket_gtd = None
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        min_step, max_step = t + 0.01 * (t - t_prev), t * 10
        tmp = t
        t = _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step))
        t_prev, f_prev, g_prev, gtd_prev = tmp, f_new, g_new.copy(), gtd_new
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = float(g_new.dot(d))
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    # zoom: shrink the bracket until a point meets the conditions
    insuf_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1])
        # a point too near the bracket's ends makes little progress: move it in
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                t = max(bracket) - eps if abs(t - max(bracket)) < abs(t - min(bracket)) else min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = float(g_new.dot(d))
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low_pos]:
            bracket[high_pos], bracket_f[high_pos] = t, f_new
            bracket_g[high_pos], bracket_gtd[high_pos] = g_new.copy(), gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                bracket[high_pos], bracket_f[high_pos] = bracket[low_pos], bracket_f[low_pos]
                bracket_g[high_pos], bracket_gtd[high_pos] = bracket_g[low_pos], bracket_gtd[low_pos]
            bracket[low_pos], bracket_f[low_pos] = t, f_new
            bracket_g[low_pos], bracket_gtd[low_pos] = g_new.copy(), gtd_new
    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals
