"""tf.clip_by_global_norm, tf.global_norm, tf.clip_by_norm (TF1's formulas)."""
from ...ops import api as F
from .graph import Tensor
from .ops import convert_to_tensor


def _global_norm_of(values):
    return F.sqrt(F.sum(F.stack([F.sum(F.mul(v, v)) for v in values])))


def global_norm(t_list, name="global_norm"):
    ts = [convert_to_tensor(t) for t in t_list if t is not None]
    return Tensor("op", ts, lambda *vals: _global_norm_of(vals), name, ts[0].dtype, ())


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name="clip_by_global_norm"):
    """(t * clip_norm / max(global_norm, clip_norm) for each t, global_norm); None entries stay None."""
    present = [convert_to_tensor(t) for t in t_list if t is not None]
    norm = convert_to_tensor(use_norm) if use_norm is not None else global_norm(present)
    clip = convert_to_tensor(clip_norm, dtype=norm.dtype)
    scale = Tensor("op", [norm, clip], lambda n, c: F.div(c, F.maximum(n, c)), f"{name}/scale", norm.dtype, ())
    clipped = iter([Tensor("op", [t, scale], lambda v, s: F.mul(v, F.to_dtype(s, v.dtype)), f"{name}/clipped",
                           t.dtype, t._shape) for t in present])
    return [None if t is None else next(clipped) for t in t_list], norm


def clip_by_norm(t, clip_norm, axes=None, name="clip_by_norm"):
    """t * clip_norm / max(l2norm(t), clip_norm)."""
    t = convert_to_tensor(t)

    def fn(v, c):
        norm = F.sqrt(F.sum(F.mul(v, v), dim=axes, keepdim=axes is not None))
        return F.mul(v, F.div(c, F.maximum(norm, c)))
    return Tensor("op", [t, convert_to_tensor(clip_norm, dtype=t.dtype)], fn, name, t.dtype, t._shape)
