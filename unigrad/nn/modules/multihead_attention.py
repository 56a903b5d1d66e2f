"""MultiheadAttention, with PyTorch's parameters, masks and return values.

Heads are laid out as (batch, heads, length, head_dim) and attend through the one
scaled-dot-product-attention op; the mask conventions are PyTorch's (a bool attn_mask or
key_padding_mask is True where attending is NOT allowed, the opposite of
F.scaled_dot_product_attention's; float masks are added to the scores).
"""
from collections import OrderedDict

from ...errors import InvalidArgumentError, ShapeError
from ...ops import api as F
from ...ops.attention.scaled_dot_product_attention import attention
from .. import init
from ..parameter import Parameter
from .linear import Linear
from .module import Module


class MultiheadAttention(Module):
    """Attention from queries to keys/values over ``num_heads`` heads (PyTorch's ``nn.MultiheadAttention``).

    Args:
        embed_dim: the queries' feature size (and the output's); split into num_heads heads.
        num_heads: parallel heads; embed_dim must be divisible by it.
        dropout: dropout on the attention weights in training. Default: 0.0.
        bias: learn in_proj_bias and out_proj.bias. Default: True.
        add_bias_kv: learn bias_k and bias_v, appended to the keys and values. Default: False.
        add_zero_attn: append a zero key and value. Default: False.
        kdim, vdim: the keys' and values' feature sizes (default embed_dim); when they differ
            from embed_dim the projections are q_proj_weight/k_proj_weight/v_proj_weight.
        batch_first: inputs and output are (N, L, E) instead of (L, N, E). Default: False.

    Shape:
        - query: ``(L, N, E)`` (``(N, L, E)`` with batch_first, ``(L, E)`` unbatched); key: ``(S, N, kdim)``;
          value: ``(S, N, vdim)``.
        - key_padding_mask: ``(N, S)``, True (or -inf) at keys to ignore.
        - attn_mask: ``(L, S)`` or ``(N * num_heads, L, S)``, True (or -inf) where attending is not allowed.
        - Output: ``(attn_output, attn_weights)``: ``(L, N, E)`` and, with need_weights, ``(N, L, S)``
          averaged over heads (``(N, num_heads, L, S)`` with average_attn_weights=False), else None.

    Example::

        >>> mha = ug.nn.MultiheadAttention(8, 2)
        >>> x = ug.randn(5, 3, 8)
        >>> out, weights = mha(x, x, x)
        >>> out.shape, weights.shape
        (unigrad.Size([5, 3, 8]), unigrad.Size([3, 5, 5]))
    """
    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, device=None, dtype=None):
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise InvalidArgumentError(f"MultiheadAttention: embed_dim ({embed_dim}) and num_heads ({num_heads}) "
                                       "must be positive")
        if embed_dim % num_heads:
            raise InvalidArgumentError(f"MultiheadAttention: embed_dim {embed_dim} is not divisible by num_heads "
                                       f"{num_heads}")
        self.embed_dim, self.num_heads, self.dropout = embed_dim, num_heads, dropout
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.head_dim = embed_dim // num_heads
        self.batch_first, self.add_zero_attn = batch_first, add_zero_attn

        def empty(*shape):
            return Parameter(F.empty(*shape, device=device, dtype=dtype))
        if self._qkv_same_embed_dim:
            self.in_proj_weight = empty(3 * embed_dim, embed_dim)
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = empty(embed_dim, embed_dim)
            self.k_proj_weight = empty(embed_dim, self.kdim)
            self.v_proj_weight = empty(embed_dim, self.vdim)
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = empty(3 * embed_dim)
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, device=device, dtype=dtype)
        if add_bias_kv:
            self.bias_k, self.bias_v = empty(1, 1, embed_dim), empty(1, 1, embed_dim)
        else:
            self.bias_k = self.bias_v = None
        self._reset_parameters()

    def _reset_parameters(self):
        # PyTorch's: xavier-uniform projections, zero biases, xavier-normal bias_k/bias_v
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(w)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
            init.xavier_normal_(self.bias_v)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        if is_causal and attn_mask is None:
            raise InvalidArgumentError("MultiheadAttention: is_causal=True is a hint and needs the causal attn_mask "
                                       "too (as PyTorch); pass attn_mask=Transformer.generate_square_subsequent_mask(L)")
        batched = query.ndim == 3
        if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
            raise ShapeError(f"MultiheadAttention: query, key and value must all be 3-d (batched) or 2-d (unbatched), "
                             f"got {tuple(query.shape)}, {tuple(key.shape)}, {tuple(value.shape)}")
        if not batched:   # one sequence: a batch of one, squeezed again at the end
            bdim = 0 if self.batch_first else 1
            query, key, value = _each(lambda t: F.unsqueeze(t, bdim), query, key, value)
            key_padding_mask = None if key_padding_mask is None else F.unsqueeze(key_padding_mask, 0)
        if not self.batch_first:   # (L, N, E) -> (N, L, E)
            query, key, value = _each(lambda t: F.transpose(t, 0, 1), query, key, value)
        out, weights = self._attend(query, key, value, key_padding_mask, need_weights, attn_mask,
                                    average_attn_weights)
        if not self.batch_first:
            out = F.transpose(out, 0, 1)
        if not batched:
            out = F.squeeze(out, 0 if self.batch_first else 1)
            weights = None if weights is None else F.squeeze(weights, 0)
        return out, weights

    def _attend(self, query, key, value, key_padding_mask, need_weights, attn_mask, average_attn_weights):
        """query (N, L, E), key (N, S, kdim), value (N, S, vdim) -> output (N, L, E), weights."""
        N, L, E = query.shape
        if E != self.embed_dim:
            raise ShapeError(f"MultiheadAttention: expected queries with embed_dim {self.embed_dim} features, got "
                             f"{tuple(query.shape)}")
        if key.shape[:2] != value.shape[:2] or key.shape[0] != N:
            raise ShapeError(f"MultiheadAttention: key {tuple(key.shape)} and value {tuple(value.shape)} must have the "
                             f"query's batch size {N} and the same length")
        q, k, v = self._project(query, key, value)
        if self.bias_k is not None:
            k = F.cat([k, F.broadcast_to(self.bias_k, (N, 1, E))], 1)
            v = F.cat([v, F.broadcast_to(self.bias_v, (N, 1, E))], 1)
            attn_mask, key_padding_mask = _pad_key(attn_mask), _pad_key(key_padding_mask)
        H, D = self.num_heads, self.head_dim
        q, k, v = (F.permute(F.reshape(t, (N, t.shape[1], H, D)), (0, 2, 1, 3)) for t in (q, k, v))
        if self.add_zero_attn:
            zeros = F.zeros(N, H, 1, D, dtype=k.dtype, device=k.device)
            k, v = F.cat([k, zeros], 2), F.cat([v, zeros], 2)
            attn_mask, key_padding_mask = _pad_key(attn_mask), _pad_key(key_padding_mask)
        S = k.shape[2]
        mask = _merged_mask(attn_mask, key_padding_mask, N, H, L, S, q.dtype)
        dropout = self.dropout if self.training else 0.0
        out, probs, keep = attention(q, k, v, attn_mask=mask, dropout_p=dropout, weights_grad=need_weights)
        out = F.reshape(F.permute(out, (0, 2, 1, 3)), (N, L, E))
        out = self.out_proj(out)
        if not need_weights:
            return out, None
        weights = probs if keep is None else F.mul(probs, keep)
        return out, F.mean(weights, dim=1) if average_attn_weights else weights

    def _project(self, query, key, value):
        E = self.embed_dim
        b = self.in_proj_bias
        bq, bk, bv = (None, None, None) if b is None else (b[:E], b[E:2 * E], b[2 * E:])
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            if query is key and key is value:   # self-attention: one GEMM, then split
                return F.chunk(F.linear(query, w, b), 3, -1)
            if key is value:
                kv = F.chunk(F.linear(key, w[E:], None if b is None else b[E:]), 2, -1)
                return (F.linear(query, w[:E], bq),) + tuple(kv)
            wq, wk, wv = w[:E], w[E:2 * E], w[2 * E:]
        else:
            wq, wk, wv = self.q_proj_weight, self.k_proj_weight, self.v_proj_weight
        return F.linear(query, wq, bq), F.linear(key, wk, bk), F.linear(value, wv, bv)

    def extra_repr(self):
        return f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, dropout={self.dropout}, " \
               f"batch_first={self.batch_first}"


def _each(fn, query, key, value):
    """fn of each, keeping which of them are the same tensor (self-attention projects once)."""
    q = fn(query)
    k = q if key is query else fn(key)
    v = k if value is key else q if value is query else fn(value)
    return q, k, v


def _pad_key(mask):
    """A mask with one more key (an appended bias or zero key), which may be attended."""
    if mask is None:
        return None
    return F.cat([mask, F.zeros(*mask.shape[:-1], 1, dtype=mask.dtype, device=mask.device)], -1)


def _merged_mask(attn_mask, key_padding_mask, N, H, L, S, dtype):
    """attn_mask and key_padding_mask (PyTorch's convention: True = blocked) as one mask for the
    attention op in (N, H, L, S) broadcasting form: a bool mask (True = allowed) when both are
    bool, else an additive float mask."""
    masks = []
    if attn_mask is not None:
        if tuple(attn_mask.shape) == (L, S):
            masks.append(attn_mask)
        elif tuple(attn_mask.shape) == (N * H, L, S):
            masks.append(F.reshape(attn_mask, (N, H, L, S)))
        else:
            raise ShapeError(f"MultiheadAttention: attn_mask has shape {tuple(attn_mask.shape)}; expected ({L}, {S}) "
                             f"or (batch * num_heads, L, S) = ({N * H}, {L}, {S})")
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (N, S):
            raise ShapeError(f"MultiheadAttention: key_padding_mask has shape {tuple(key_padding_mask.shape)}; "
                             f"expected (batch, key length) = ({N}, {S})")
        masks.append(F.reshape(key_padding_mask, (N, 1, 1, S)))
    if not masks:
        return None
    if all(m.dtype.name == "bool" for m in masks):
        blocked = masks[0] if len(masks) == 1 else F.logical_or(masks[0], masks[1])
        return F.logical_not(blocked)
    floats = [F.masked_fill(F.zeros(*m.shape, dtype=dtype, device=m.device), m, float("-inf"))
              if m.dtype.name == "bool" else m for m in masks]
    return floats[0] if len(floats) == 1 else F.add(floats[0], floats[1])


def clone_module(module):
    """An independent copy of a module tree (new parameters and buffers with the same values),
    as the copy.deepcopy PyTorch's Transformer stacks use (unigrad tensors do not pickle)."""
    new = object.__new__(type(module))
    state = dict(module.__dict__)
    state["_parameters"] = OrderedDict(
        (k, None if p is None else Parameter(p.detach().clone(), requires_grad=p.requires_grad))
        for k, p in module._parameters.items())
    state["_buffers"] = OrderedDict((k, None if b is None else b.detach().clone()) for k, b in module._buffers.items())
    state["_non_persistent"] = set(module._non_persistent)
    state["_modules"] = OrderedDict((k, None if m is None else clone_module(m)) for k, m in module._modules.items())
    new.__dict__.update(state)
    return new
