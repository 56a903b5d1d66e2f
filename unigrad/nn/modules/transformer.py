"""The Transformer family with PyTorch's structure and parameter names: TransformerEncoderLayer,
TransformerEncoder, TransformerDecoderLayer, TransformerDecoder and Transformer.

The eager math is PyTorch's reference path (no fused "fast path"); PyTorch's fast path and
nested tensors are optimisations with the same results, except that torch's nested-tensor
encoder returns zeros at padded positions where this one returns the computed values."""
from ...errors import InvalidArgumentError, ShapeError
from ...ops import api as F
from .. import init
from .container import ModuleList
from .linear import Linear
from .module import Module
from .multihead_attention import MultiheadAttention, clone_module
from .normalization import LayerNorm
from .sparse_dropout import Dropout


def _activation(activation):
    if activation == "relu":
        return F.relu
    if activation == "gelu":
        return F.gelu
    if callable(activation):
        return activation
    raise InvalidArgumentError(f"activation should be 'relu', 'gelu' or a callable, not {activation!r}")


class TransformerEncoderLayer(Module):
    """Self-attention then a feed-forward block, each with dropout, a residual and LayerNorm
    (PyTorch's ``nn.TransformerEncoderLayer``; norm_first puts the norms before each block).

    Args:
        d_model: the features of each position. nhead: attention heads.
        dim_feedforward: the feed-forward block's hidden size. Default: 2048.
        dropout: dropout in both blocks and on the attention weights. Default: 0.1.
        activation: "relu", "gelu" or a callable. Default: "relu".
        layer_norm_eps: LayerNorm's eps. batch_first: (N, S, E) instead of (S, N, E).
        norm_first: pre-norm instead of post-norm. bias: learn the linear and norm biases.

    Shape:
        - src: ``(S, N, E)`` (``(N, S, E)`` with batch_first, ``(S, E)`` unbatched).
        - src_mask: ``(S, S)`` or ``(N * nhead, S, S)``; src_key_padding_mask: ``(N, S)``, True at padding.
        - Output: the shape of src.

    Example::

        >>> layer = ug.nn.TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32)
        >>> layer(ug.randn(10, 2, 16)).shape
        unigrad.Size([10, 2, 16])
    """
    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu", layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, **kw)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.dropout1, self.dropout2 = Dropout(dropout), Dropout(dropout)
        self.activation = _activation(activation)

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        x = src
        if self.norm_first:
            x = F.add(x, self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal))
            return F.add(x, self._ff_block(self.norm2(x)))
        x = self.norm1(F.add(x, self._sa_block(x, src_mask, src_key_padding_mask, is_causal)))
        return self.norm2(F.add(x, self._ff_block(x)))

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, need_weights=False,
                           is_causal=is_causal)[0]
        return self.dropout1(x)

    def _ff_block(self, x):
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerDecoderLayer(Module):
    """Self-attention, attention over the encoder's memory, then a feed-forward block, each with
    dropout, a residual and LayerNorm (PyTorch's ``nn.TransformerDecoderLayer``).

    Args: as TransformerEncoderLayer.

    Shape:
        - tgt: ``(T, N, E)`` (``(N, T, E)`` with batch_first); memory: ``(S, N, E)``.
        - tgt_mask: ``(T, T)``; memory_mask: ``(T, S)``; tgt/memory_key_padding_mask: ``(N, T)`` / ``(N, S)``.
        - Output: the shape of tgt.

    Example::

        >>> layer = ug.nn.TransformerDecoderLayer(d_model=16, nhead=4, dim_feedforward=32)
        >>> layer(ug.randn(7, 2, 16), ug.randn(10, 2, 16)).shape
        unigrad.Size([7, 2, 16])
    """
    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu", layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, **kw)
        self.multihead_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first,
                                                 **kw)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm3 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.dropout1, self.dropout2, self.dropout3 = Dropout(dropout), Dropout(dropout), Dropout(dropout)
        self.activation = _activation(activation)

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
        x = tgt
        if self.norm_first:
            x = F.add(x, self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal))
            x = F.add(x, self._mha_block(self.norm2(x), memory, memory_mask, memory_key_padding_mask,
                                         memory_is_causal))
            return F.add(x, self._ff_block(self.norm3(x)))
        x = self.norm1(F.add(x, self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal)))
        x = self.norm2(F.add(x, self._mha_block(x, memory, memory_mask, memory_key_padding_mask, memory_is_causal)))
        return self.norm3(F.add(x, self._ff_block(x)))

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, need_weights=False,
                           is_causal=is_causal)[0]
        return self.dropout1(x)

    def _mha_block(self, x, mem, attn_mask, key_padding_mask, is_causal):
        x = self.multihead_attn(x, mem, mem, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                                need_weights=False, is_causal=is_causal)[0]
        return self.dropout2(x)

    def _ff_block(self, x):
        return self.dropout3(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerEncoder(Module):
    """num_layers copies of an encoder layer (each starting with the given layer's weights, as
    PyTorch's deepcopy), then an optional norm (PyTorch's ``nn.TransformerEncoder``).

    Shape: as TransformerEncoderLayer (mask is its src_mask); the output has the shape of src.

    Example::

        >>> layer = ug.nn.TransformerEncoderLayer(16, 4, dim_feedforward=32, batch_first=True)
        >>> ug.nn.TransformerEncoder(layer, num_layers=2)(ug.randn(2, 10, 16)).shape
        unigrad.Size([2, 10, 16])
    """
    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True):
        super().__init__()
        self.layers = ModuleList([clone_module(encoder_layer) for _ in range(num_layers)])
        self.num_layers, self.norm = num_layers, norm
        self.enable_nested_tensor, self.mask_check = enable_nested_tensor, mask_check

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        x = src
        for layer in self.layers:
            x = layer(x, src_mask=mask, src_key_padding_mask=src_key_padding_mask, is_causal=bool(is_causal))
        return x if self.norm is None else self.norm(x)


class TransformerDecoder(Module):
    """num_layers copies of a decoder layer, then an optional norm (PyTorch's ``nn.TransformerDecoder``).

    Shape: as TransformerDecoderLayer; the output has the shape of tgt.

    Example::

        >>> layer = ug.nn.TransformerDecoderLayer(16, 4, dim_feedforward=32)
        >>> ug.nn.TransformerDecoder(layer, 2)(ug.randn(7, 2, 16), ug.randn(10, 2, 16)).shape
        unigrad.Size([7, 2, 16])
    """
    def __init__(self, decoder_layer, num_layers, norm=None):
        super().__init__()
        self.layers = ModuleList([clone_module(decoder_layer) for _ in range(num_layers)])
        self.num_layers, self.norm = num_layers, norm

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False):
        x = tgt
        for layer in self.layers:
            x = layer(x, memory, tgt_mask=tgt_mask, memory_mask=memory_mask, tgt_key_padding_mask=tgt_key_padding_mask,
                      memory_key_padding_mask=memory_key_padding_mask, tgt_is_causal=bool(tgt_is_causal),
                      memory_is_causal=memory_is_causal)
        return x if self.norm is None else self.norm(x)


class Transformer(Module):
    """An encoder-decoder Transformer (PyTorch's ``nn.Transformer``, "Attention Is All You Need"):
    encoder and decoder stacks, each ending in a LayerNorm, parameters xavier-uniform initialised.

    Args:
        d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first,
        bias: as the layers. num_encoder_layers, num_decoder_layers: stack depths (6 each).
        custom_encoder, custom_decoder: modules to use instead of the stacks.

    Shape:
        - src: ``(S, N, E)``, tgt: ``(T, N, E)`` (batch first with batch_first).
        - src_mask ``(S, S)``, tgt_mask ``(T, T)``, memory_mask ``(T, S)``; the key padding masks
          ``(N, S)``, ``(N, T)``, ``(N, S)``, True at padding.
        - Output: ``(T, N, E)``.

    Example::

        >>> model = ug.nn.Transformer(d_model=16, nhead=4, num_encoder_layers=1, num_decoder_layers=1,
        ...                           dim_feedforward=32)
        >>> mask = ug.nn.Transformer.generate_square_subsequent_mask(7)
        >>> model(ug.randn(10, 2, 16), ug.randn(7, 2, 16), tgt_mask=mask).shape
        unigrad.Size([7, 2, 16])
    """
    def __init__(self, d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048,
                 dropout=0.1, activation="relu", custom_encoder=None, custom_decoder=None, layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        layer_args = (d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first,
                      bias)
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            self.encoder = TransformerEncoder(TransformerEncoderLayer(*layer_args, **kw), num_encoder_layers,
                                              LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw))
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            self.decoder = TransformerDecoder(TransformerDecoderLayer(*layer_args, **kw), num_decoder_layers,
                                              LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw))
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first
        self._reset_parameters()

    def _reset_parameters(self):
        for p in self.parameters():
            if p.ndim > 1:
                init.xavier_uniform_(p)

    def forward(self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None,
                tgt_key_padding_mask=None, memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
                memory_is_causal=False):
        batch_dim = 0 if self.batch_first else 1
        if src.ndim == 3 and tgt.ndim == 3 and src.shape[batch_dim] != tgt.shape[batch_dim]:
            raise ShapeError(f"Transformer: src {tuple(src.shape)} and tgt {tuple(tgt.shape)} have different batch "
                             f"sizes (dim {batch_dim}, batch_first={self.batch_first})")
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise ShapeError(f"Transformer: src {tuple(src.shape)} and tgt {tuple(tgt.shape)} must have d_model = "
                             f"{self.d_model} features")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask, memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz, device=None, dtype=None):
        """A (sz, sz) float mask: -inf above the diagonal (future positions), 0 elsewhere."""
        position = F.arange(sz, device=device)
        future = F.gt(F.unsqueeze(position, 0), F.unsqueeze(position, 1))   # key j after query i
        return F.masked_fill(F.zeros(sz, sz, dtype=dtype, device=device), future, float("-inf"))
