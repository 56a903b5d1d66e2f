"""scaled_dot_product_attention: softmax(q @ k.T * scale + mask) @ v as one primitive.

One op instead of a matmul/softmax/matmul chain: the forward writes the scores once and
normalises them in place, and the backward reuses the saved probabilities. It has two outputs,
the result and the attention probabilities (before dropout), so nn.MultiheadAttention can return
its weights from the same op ("attention_probs", where both carry gradient; "attention", where
only the result does). Dropout's keep-mask is drawn
outside the op and passed in, so forward and backward see the same mask, and a traced step
draws it anew each run.
"""
import math

import numpy as np

from ...errors import InvalidArgumentError, ShapeError
from .. import api as F
from ..dispatch import dispatch
from ..operands import tensor_operands
from ..registry import Compiled, INTERNAL, Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, broadcast_shapes


def _parts(rest, has_mask):
    mask = rest[0] if has_mask else None
    keep = rest[-1] if len(rest) > has_mask else None
    return mask, keep


def _forward(xp, q, k, v, *rest, scale, is_causal, has_mask):
    mask, keep = _parts(rest, has_mask)
    s = xp.matmul(q, xp.swapaxes(k, -1, -2))
    s *= scale
    if mask is not None:
        if mask.dtype == bool:
            s = xp.where(mask, s, -xp.inf).astype(s.dtype, copy=False)
        else:
            s = (s + mask).astype(s.dtype, copy=False)
    if is_causal:
        L, S = s.shape[-2:]
        s = xp.where(xp.tri(L, S, dtype=bool), s, -xp.inf).astype(s.dtype, copy=False)
    m = s.max(axis=-1, keepdims=True)
    m[~xp.isfinite(m)] = 0          # a fully masked row: its probabilities are 0, as torch's
    s -= m
    p = xp.exp(s, out=s)
    den = p.sum(axis=-1, keepdims=True)
    den[den == 0] = 1
    p /= den
    out = xp.matmul(p if keep is None else p * keep, v)
    return out, p


def _backward(ctx, g, gp=None):
    has_mask = ctx.attrs["has_mask"]
    scale = ctx.attrs["scale"]
    q, k, v = ctx.inputs[:3]
    mask, keep = _parts(ctx.inputs[3:], has_mask)
    p = ctx.output(1)
    gv = None
    dp = gp
    if g is not None:
        a = p if keep is None else F.mul(p, keep)
        if ctx.needs_input_grad(2):
            gv = F.sum_to(F.matmul(F.transpose(a, -1, -2), g), tuple(v.shape))
        da = F.matmul(g, F.transpose(v, -1, -2))
        if keep is not None:
            da = F.mul(da, keep)
        dp = da if dp is None else F.add(da, dp)
    if dp is None:
        return (None,) * len(ctx.inputs)
    ds = F.mul(p, F.sub(dp, F.sum(F.mul(dp, p), dim=-1, keepdim=True)))
    gq = gk = gm = None
    if ctx.needs_input_grad(0):
        gq = F.sum_to(F.mul(F.matmul(ds, k), scale), tuple(q.shape))
    if ctx.needs_input_grad(1):
        gk = F.sum_to(F.mul(F.matmul(F.transpose(ds, -1, -2), q), scale), tuple(k.shape))
    if mask is not None and ctx.needs_input_grad(3):
        gm = F.sum_to(ds, tuple(mask.shape))
    grads = (gq, gk, gv)
    if mask is not None:
        grads += (gm,)
    if keep is not None:
        grads += (None,)
    return grads


def _scores_shape(q, k, v):
    if len(q.shape) < 2 or len(k.shape) < 2 or len(v.shape) < 2:
        raise ShapeError(f"scaled_dot_product_attention: query, key and value need at least 2 dims "
                         f"(..., length, features), got {q.shape}, {k.shape}, {v.shape}")
    if q.shape[-1] != k.shape[-1]:
        raise ShapeError(f"scaled_dot_product_attention: query has {q.shape[-1]} features, key {k.shape[-1]} "
                         f"(query {q.shape}, key {k.shape}): they must match")
    if k.shape[-2] != v.shape[-2]:
        raise ShapeError(f"scaled_dot_product_attention: key has length {k.shape[-2]}, value {v.shape[-2]} "
                         f"(key {k.shape}, value {v.shape}): they must match")
    batch = broadcast_shapes("scaled_dot_product_attention", q.shape[:-2], k.shape[:-2], v.shape[:-2])
    return batch + (q.shape[-2], k.shape[-2])


def _check_mask(mask_shape, scores):
    try:
        fits = broadcast_shapes("scaled_dot_product_attention", mask_shape, scores) == scores
    except ShapeError:
        fits = False
    if not fits:
        raise ShapeError(f"scaled_dot_product_attention: attn_mask of shape {tuple(mask_shape)} does not broadcast "
                         f"to the attention scores' shape {scores} (batch..., query length, key length)")


def _infer(q, k, v, *rest, scale, is_causal, has_mask):
    scores = _scores_shape(q, k, v)
    for extra in rest:
        _check_mask(extra.shape, scores)
    return Spec(scores[:-1] + (v.shape[-1],), q.dtype), Spec(scores, q.dtype)


def _onnx(e, q, k, v, *rest, scale, is_causal, has_mask):
    """ONNX nodes of the same math: (output, probabilities)."""
    mask, keep = _parts(rest, has_mask)
    dtype, rank = e.dtype(q), max(e.rank(q), e.rank(k))
    perm = list(range(e.rank(k) - 2)) + [e.rank(k) - 1, e.rank(k) - 2]
    s = e.node("Mul", [e.node("MatMul", [q, e.node("Transpose", [k], perm=perm)]), e.scalar(scale, dtype)])
    blocked = e.scalar(float("-inf"), dtype)
    if mask is not None:
        s = e.node("Where", [mask, s, blocked]) if e.dtype(mask).name == "bool" else e.node("Add", [s, mask])
    if is_causal:
        L, S = e.shape(q)[-2], e.shape(k)[-2]
        if not (isinstance(L, int) and isinstance(S, int)):
            raise InvalidArgumentError("scaled_dot_product_attention: exporting is_causal=True needs static query "
                                       "and key lengths; pass the causal mask as attn_mask instead")
        s = e.node("Where", [e.const(np.tri(L, S, dtype=bool)), s, blocked])
    p = e.node("Softmax", [s], axis=rank - 1)
    if mask is not None:   # a row that may attend nowhere: zeros, not ONNX's NaNs
        p = e.node("Where", [e.node("IsNaN", [p]), e.scalar(0.0, dtype), p])
    out = e.node("MatMul", [p if keep is None else e.node("Mul", [p, keep]), v])
    return out, p


def _op(name, diff_outputs, samples):
    return OpDef(
        name=name, forward=_forward, backward=_backward, infer=_infer, n_outputs=2, diff_outputs=diff_outputs,
        saves_outputs=True, compiled=Compiled(fresh=True), variants=INTERNAL, samples=samples,
        onnx=Onnx(emit=_onnx, opset=13),
        torch_ref=lambda torch, q, k, v, *rest, scale, is_causal, has_mask: _torch_probs(torch, q, k, v, rest, scale,
                                                                                        is_causal))


# the probabilities carry gradient only where a caller returns them (MultiheadAttention's
# need_weights): elsewhere no zero gradient is made and added for them
attention_op = _op("attention", (0,), lambda: [
    Sample((randn(2, 3, 4), randn(2, 5, 4, seed=1), randn(2, 5, 3, seed=2)),
           {"scale": 0.5, "is_causal": False, "has_mask": False}),
    Sample((randn(2, 4, 4), randn(2, 4, 4, seed=1), randn(2, 4, 3, seed=2), randn(4, 4, seed=3)),
           {"scale": 0.3, "is_causal": True, "has_mask": True}, name="causal+float mask")])
attention_probs_op = _op("attention_probs", (0, 1), lambda: [
    Sample((randn(2, 3, 4), randn(2, 5, 4, seed=1), randn(2, 5, 3, seed=2)),
           {"scale": 0.5, "is_causal": False, "has_mask": False}),
    Sample((randn(1, 2, 3, 2), randn(1, 2, 4, 2, seed=1), randn(1, 2, 4, 3, seed=2), randn(1, 1, 3, 4, seed=3)),
           {"scale": 0.8, "is_causal": False, "has_mask": True}, name="float mask")])
register(attention_op)
register(attention_probs_op)


def _torch_probs(torch, q, k, v, rest, scale, is_causal):
    s = q @ k.transpose(-1, -2) * scale
    if rest:
        s = s + rest[0]
    if is_causal:
        s = s.masked_fill(~torch.ones(s.shape[-2:], dtype=torch.bool).tril(), float("-inf"))
    p = torch.softmax(s, -1)
    return p @ v, p


def attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, training=True,
              weights_grad=False):
    """(attention output, attention probabilities before dropout, dropout's scaled keep-mask or
    None): the op behind scaled_dot_product_attention, for callers that also return the weights
    (nn.MultiheadAttention returns probabilities * keep, as PyTorch); weights_grad: the
    probabilities carry gradient too."""
    if not 0.0 <= dropout_p <= 1.0:
        raise InvalidArgumentError(f"scaled_dot_product_attention: dropout_p must be in [0, 1], got {dropout_p}")
    if attn_mask is not None and is_causal:
        raise InvalidArgumentError("scaled_dot_product_attention: pass attn_mask or is_causal=True, not both "
                                   "(as PyTorch); fold the causal mask into attn_mask to combine them")
    q, k, v = tensor_operands(query, key, value)
    if scale is None:
        scale = 1.0 / math.sqrt(q.shape[-1]) if q.shape[-1] else 1.0
    operands = [q, k, v]
    if attn_mask is not None:
        _check_mask(tuple(attn_mask.shape), _scores_shape(q, k, v))
        mask = attn_mask if attn_mask.dtype.name == "bool" or attn_mask.dtype is q.dtype else F.to_dtype(attn_mask, q.dtype)
        operands.append(mask)
    keep = None
    if dropout_p > 0.0 and training:
        scores = _scores_shape(q, k, v)
        keep = F.bernoulli(F.full(scores, 1.0 - dropout_p, dtype=q.dtype, device=q.device))
        keep = F.mul(keep, 1.0 / (1.0 - dropout_p)) if dropout_p < 1.0 else keep
        operands.append(keep)
    out, probs = dispatch(attention_probs_op if weights_grad else attention_op, tuple(operands),
                          {"scale": float(scale), "is_causal": bool(is_causal), "has_mask": attn_mask is not None})
    return out, probs, keep


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """``softmax(query @ key.T * scale + mask) @ value`` (PyTorch's
    ``F.scaled_dot_product_attention``).

    Args:
        query: (..., L, E); key: (..., S, E); value: (..., S, Ev). Batch dims broadcast.
        attn_mask: broadcastable to (..., L, S): a bool mask (True: may attend) or a float mask
            added to the scores (-inf blocks). A row that may attend nowhere gives zeros.
        dropout_p: dropout on the attention probabilities (always applied when > 0, as PyTorch;
            pass 0.0 in evaluation).
        is_causal: position i attends to positions <= i (the upper-left triangle); not with attn_mask.
        scale: the scores' factor; default 1 / sqrt(E).
        enable_gqa: grouped-query attention: key and value have fewer heads (dim -3), each
            shared by query_heads / kv_heads query heads.

    Returns (..., L, Ev).

    Example::

        >>> q = ug.ones(1, 2, 4)
        >>> F = ug.nn.functional
        >>> F.scaled_dot_product_attention(q, q, ug.tensor([[[1.0], [3.0]]]), is_causal=True)
        tensor([[[1.],
                 [2.]]])
    """
    if enable_gqa:
        key, value = _grouped_heads(query, key, value)
    return attention(query, key, value, attn_mask, dropout_p, is_causal, scale)[0]


def _grouped_heads(query, key, value):
    """Grouped-query attention: each key/value head serves a group of query heads (dim -3), so
    key and value are repeated head by head up to the query's count, as PyTorch does."""
    if min(query.ndim, key.ndim, value.ndim) < 3:
        raise ShapeError(f"scaled_dot_product_attention: enable_gqa=True needs (..., heads, L, E) inputs, got query "
                         f"{tuple(query.shape)}, key {tuple(key.shape)}, value {tuple(value.shape)}")
    heads, kv_heads = query.shape[-3], key.shape[-3]
    if value.shape[-3] != kv_heads or heads % kv_heads:
        raise ShapeError(f"scaled_dot_product_attention: with enable_gqa=True the key and value heads must be equal "
                         f"and divide the query's: query has {heads} heads, key {kv_heads}, value {value.shape[-3]}")
    groups = heads // kv_heads
    if groups == 1:
        return key, value
    return F.repeat_interleave(key, groups, dim=-3), F.repeat_interleave(value, groups, dim=-3)


def _torch_sdpa(torch, q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    return torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask, dropout_p=dropout_p,
                                                            is_causal=is_causal, scale=scale)


def _samples():
    q, k, v = randn(2, 3, 4), randn(2, 5, 4, seed=1), randn(2, 5, 6, seed=2)
    bool_mask = randn(3, 5, seed=3) > -0.5
    bool_mask[1] = False                     # a row that attends nowhere
    return [Sample((q, k, v), name="plain"),
            Sample((q, k, v, randn(3, 5, seed=4)), name="float mask"),
            Sample((q, k, v, bool_mask), name="bool mask"),
            Sample((randn(2, 2, 4, 3), randn(2, 2, 4, 3, seed=1), randn(2, 2, 4, 2, seed=2)),
                   {"is_causal": True, "scale": 0.7}, name="causal heads"),
            Sample((randn(1, 4, 3), randn(2, 1, 6, 3, seed=1), randn(2, 1, 6, 2, seed=2)), name="broadcast batch"),
            Sample((randn(2, 3, 4), randn(2, 5, 4, seed=1), randn(2, 5, 6, seed=2)), {"dropout_p": 0.0},
                   name="dropout 0")]


register(OpDef(name="scaled_dot_product_attention", impl=scaled_dot_product_attention,
               variants=Variants(functional=True), samples=_samples, torch_ref=_torch_sdpa),
         public=scaled_dot_product_attention)
