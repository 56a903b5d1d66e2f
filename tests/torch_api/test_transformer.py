"""F.scaled_dot_product_attention, nn.MultiheadAttention and the nn.Transformer family against
PyTorch: the same weights (state_dicts loaded from torch modules) give torch's outputs and
gradients, in eval mode and in train mode with dropout 0."""
import numpy as np
import pytest
import torch

import unigrad as ug
from unigrad.errors import InvalidArgumentError, ShapeError

F = ug.nn.functional
pytestmark = [pytest.mark.filterwarnings("ignore:Support for mismatched key_padding_mask"),
              pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")]


def _pair(*shape, seed=0):
    a = np.random.default_rng(seed).standard_normal(shape)
    return ug.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def test_sdpa_masks_and_grads_match_torch():
    (q, tq), (k, tk), (v, tv) = _pair(2, 3, 5, 4), _pair(2, 3, 6, 4, seed=1), _pair(2, 3, 6, 2, seed=2)
    bool_mask = np.random.default_rng(3).standard_normal((5, 6)) > 0
    bool_mask[2] = False
    for kwargs, tkwargs in [({}, {}),
                            ({"attn_mask": ug.tensor(bool_mask)}, {"attn_mask": torch.tensor(bool_mask)}),
                            ({"is_causal": True, "scale": 0.25}, {"is_causal": True, "scale": 0.25})]:
        out = F.scaled_dot_product_attention(q, k, v, **kwargs)
        expected = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, **tkwargs)
        np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-12)
        g = np.random.default_rng(4).standard_normal(tuple(out.shape))
        grads = ug.autograd.grad((out * ug.tensor(g)).sum(), [q, k, v])
        t_grads = torch.autograd.grad((expected * torch.tensor(g)).sum(), [tq, tk, tv])
        for a, b in zip(grads, t_grads):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-9, atol=1e-12)


def test_sdpa_grouped_query_attention_matches_torch():
    (q, tq), (k, tk), (v, tv) = _pair(2, 6, 5, 4), _pair(2, 2, 7, 4, seed=1), _pair(2, 2, 7, 3, seed=2)
    for kwargs in ({}, {"is_causal": True}):
        out = F.scaled_dot_product_attention(q, k, v, enable_gqa=True, **kwargs)
        expected = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, enable_gqa=True, **kwargs)
        np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-12)
        g = np.random.default_rng(5).standard_normal(tuple(out.shape))
        grads = ug.autograd.grad((out * ug.tensor(g)).sum(), [q, k, v])
        t_grads = torch.autograd.grad((expected * torch.tensor(g)).sum(), [tq, tk, tv])
        for a, b in zip(grads, t_grads):  # each key/value head sums its group's gradients
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-9, atol=1e-12)
    with pytest.raises(ShapeError, match="query has 6 heads, key 4, value 4"):
        F.scaled_dot_product_attention(q, ug.randn(2, 4, 7, 4, dtype=ug.float64), ug.randn(2, 4, 7, 3, dtype=ug.float64),
                                       enable_gqa=True)
    with pytest.raises(ShapeError, match="needs \\(..., heads, L, E\\) inputs"):
        F.scaled_dot_product_attention(ug.randn(5, 4), ug.randn(7, 4), ug.randn(7, 4), enable_gqa=True)


def test_sdpa_dropout_keeps_the_expectation_and_is_seeded():
    q, k = ug.zeros(1, 64, 8), ug.zeros(1, 64, 8)   # uniform attention: each output is the mean of v
    v = ug.ones(1, 64, 8)
    ug.manual_seed(0)
    a = F.scaled_dot_product_attention(q, k, v, dropout_p=0.25)
    ug.manual_seed(0)
    b = F.scaled_dot_product_attention(q, k, v, dropout_p=0.25)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert 0.9 < float(a.mean()) < 1.1 and float(a.std()) > 0.05      # mean 1, but each row varies
    assert float(F.scaled_dot_product_attention(q, k, v, dropout_p=0.0).std()) == 0.0


def test_sdpa_bad_input_says_what_is_wrong():
    q = ug.randn(2, 3, 4)
    with pytest.raises(ShapeError, match="query has 4 features, key 5"):
        F.scaled_dot_product_attention(q, ug.randn(2, 6, 5), ug.randn(2, 6, 5))
    with pytest.raises(ShapeError, match="attn_mask of shape"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=ug.zeros(4, 4))
    with pytest.raises(InvalidArgumentError, match="not both"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=ug.zeros(3, 3), is_causal=True)


# ---- modules: torch's weights give torch's values and gradients -------------------------------

def _port(module, torch_module):
    """torch_module's state_dict loaded into module; the names must be the same."""
    state = torch_module.state_dict()
    module.double()
    assert sorted(module.state_dict()) == sorted(state)
    module.load_state_dict({k: ug.tensor(v.numpy()) for k, v in state.items()})


def _arrays(*shapes, seed=10):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) for s in shapes]


def _check(module, torch_module, args, targs, kwargs=None, tkwargs=None, weights=True):
    """Outputs, and gradients of a random projection of them w.r.t. the float inputs and every
    parameter, against torch."""
    kwargs, tkwargs = kwargs or {}, tkwargs or {}
    inputs = [ug.tensor(a, requires_grad=True) if isinstance(a, np.ndarray) else a for a in args]
    tinputs = [torch.tensor(a, requires_grad=True) if isinstance(a, np.ndarray) else a for a in targs]
    out, tout = module(*inputs, **kwargs), torch_module(*tinputs, **tkwargs)
    outs = [o for o in (out if isinstance(out, tuple) else (out,)) if o is not None]
    touts = [o for o in (tout if isinstance(tout, tuple) else (tout,)) if o is not None]
    if not weights:
        outs, touts = outs[:1], touts[:1]
    assert len(outs) == len(touts)
    rng = np.random.default_rng(5)
    loss, tloss = 0, 0
    for o, t in zip(outs, touts):
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=1e-9, atol=1e-11)
        c = rng.standard_normal(tuple(o.shape))
        loss, tloss = loss + (o * ug.tensor(c)).sum(), tloss + (t * torch.tensor(c)).sum()
    loss.backward()
    tloss.backward()
    for a, t in zip(inputs, tinputs):
        if isinstance(t, torch.Tensor) and t.grad is not None:
            np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-8, atol=1e-10)
    tparams = dict(torch_module.named_parameters())
    for name, p in module.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), tparams[name].grad.numpy(), rtol=1e-8, atol=1e-10,
                                   err_msg=f"grad of {name}")


MHA_CASES = {
    "default": ({}, {}),
    "batch_first": ({"batch_first": True}, {}),
    "kdim_vdim": ({"kdim": 5, "vdim": 3}, {}),
    "bias_kv_zero_attn": ({"add_bias_kv": True, "add_zero_attn": True}, {}),
    "no_bias_per_head_weights": ({"bias": False}, {"average_attn_weights": False}),
    "no_weights": ({}, {"need_weights": False}),
}


@pytest.mark.parametrize("case", sorted(MHA_CASES))
def test_multihead_attention_matches_torch(case):
    ctor, call = MHA_CASES[case]
    torch.manual_seed(0)
    tm = torch.nn.MultiheadAttention(8, 2, **ctor).double()
    m = ug.nn.MultiheadAttention(8, 2, **ctor)
    _port(m, tm)
    bf = ctor.get("batch_first", False)
    q, k, v = _arrays(*[(3, L, d) if bf else (L, 3, d)
                        for L, d in ((4, 8), (6, ctor.get("kdim", 8)), (6, ctor.get("vdim", 8)))])
    pad = np.zeros((3, 6), bool)
    pad[0, 4:] = True                                            # the first sequence has 4 keys
    causalish = _arrays((4, 6), seed=3)[0]                       # an additive float mask
    kw = dict(call, key_padding_mask=ug.tensor(pad), attn_mask=ug.tensor(causalish))
    tkw = dict(call, key_padding_mask=torch.tensor(pad), attn_mask=torch.tensor(causalish))
    _check(m, tm, (q, k, v), (q, k, v), kw, tkw)


def test_multihead_attention_self_attention_unbatched_and_3d_bool_mask():
    torch.manual_seed(1)
    tm = torch.nn.MultiheadAttention(6, 3).double()
    m = ug.nn.MultiheadAttention(6, 3)
    _port(m, tm)
    (x,) = _arrays((5, 6))
    block = np.triu(np.ones((5, 5), bool), 1)
    _check(m, tm, (x, x, x), (x, x, x), {"attn_mask": ug.tensor(block)}, {"attn_mask": torch.tensor(block)})
    x2, = _arrays((5, 2, 6), seed=2)
    masks = np.random.default_rng(4).standard_normal((2 * 3, 5, 5)) > 0.8   # per batch and head
    masks[:, :, 0] = False                                                   # every query sees key 0
    pad = np.zeros((2, 5), bool)
    pad[1, 3:] = True                                                        # and bool padding: both bool
    tx = torch.tensor(x2, requires_grad=True)
    out, w = m(*[ug.tensor(x2)] * 3, attn_mask=ug.tensor(masks), key_padding_mask=ug.tensor(pad))
    tout, tw = tm(tx, tx, tx, attn_mask=torch.tensor(masks), key_padding_mask=torch.tensor(pad))
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(w.detach().numpy(), tw.detach().numpy(), rtol=1e-9, atol=1e-11)


LAYER_CASES = {
    "post_norm_relu": {},
    "pre_norm_gelu_batch_first": {"norm_first": True, "activation": "gelu", "batch_first": True},
    "no_bias": {"bias": False},
}


@pytest.mark.parametrize("case", sorted(LAYER_CASES))
@pytest.mark.parametrize("mode", ["eval", "train"])
def test_encoder_and_decoder_layers_match_torch(case, mode):
    ctor = dict(LAYER_CASES[case], dim_feedforward=16, dropout=0.0 if mode == "train" else 0.3)
    bf = ctor.get("batch_first", False)
    torch.manual_seed(2)
    for kind in ("Encoder", "Decoder"):
        tl = getattr(torch.nn, f"Transformer{kind}Layer")(8, 2, **ctor).double()
        layer = getattr(ug.nn, f"Transformer{kind}Layer")(8, 2, **ctor)
        _port(layer, tl)
        tl.train(mode == "train")
        layer.train(mode == "train")
        src, mem = _arrays((2, 5, 8) if bf else (5, 2, 8), (2, 7, 8) if bf else (7, 2, 8))
        causal = torch.nn.Transformer.generate_square_subsequent_mask(5, dtype=torch.float64)
        pad = np.zeros((2, 7), bool)
        pad[1, 5:] = True
        if kind == "Encoder":
            _check(layer, tl, (src,), (src,), {"src_mask": ug.tensor(causal.numpy())}, {"src_mask": causal})
        else:
            kw = {"tgt_mask": ug.tensor(causal.numpy()), "memory_key_padding_mask": ug.tensor(pad)}
            _check(layer, tl, (src, mem), (src, mem), kw, {"tgt_mask": causal, "memory_key_padding_mask":
                                                           torch.tensor(pad)})


def test_transformer_stack_matches_torch():
    torch.manual_seed(3)
    ctor = {"d_model": 8, "nhead": 2, "num_encoder_layers": 2, "num_decoder_layers": 2, "dim_feedforward": 16,
            "dropout": 0.1}
    tm = torch.nn.Transformer(**ctor).double().eval()
    m = ug.nn.Transformer(**ctor).eval()
    assert [tuple(p.shape) for _, p in m.named_parameters()] == [tuple(p.shape) for _, p in tm.named_parameters()]
    _port(m, tm)
    src, tgt = _arrays((6, 3, 8), (5, 3, 8))
    tgt_mask = ug.nn.Transformer.generate_square_subsequent_mask(5)
    np.testing.assert_array_equal(tgt_mask.numpy(), torch.nn.Transformer.generate_square_subsequent_mask(5).numpy())
    pad = np.zeros((3, 6), bool)
    pad[2, 3:] = True
    kw = {"tgt_mask": tgt_mask, "src_key_padding_mask": ug.tensor(pad), "memory_key_padding_mask": ug.tensor(pad)}
    tkw = {"tgt_mask": torch.tensor(tgt_mask.numpy()), "src_key_padding_mask": torch.tensor(pad),
           "memory_key_padding_mask": torch.tensor(pad)}
    _check(m, tm, (src, tgt), (src, tgt), kw, tkw)


def test_encoder_stack_copies_the_layer_and_pads_like_torch_without_nested_tensors():
    torch.manual_seed(4)
    tl = torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True).double()
    layer = ug.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True)
    _port(layer, tl)
    enc = ug.nn.TransformerEncoder(layer, 2, norm=ug.nn.LayerNorm(8)).double()
    tenc = torch.nn.TransformerEncoder(tl, 2, norm=torch.nn.LayerNorm(8).double(), enable_nested_tensor=False)
    w0, w1 = enc.layers[0].linear1.weight, enc.layers[1].linear1.weight
    assert w0 is not w1 and w0 is not layer.linear1.weight        # copies, with the layer's values
    np.testing.assert_array_equal(w0.detach().numpy(), layer.linear1.weight.detach().numpy())
    enc.eval()
    tenc.eval()
    (x,) = _arrays((2, 5, 8))
    pad = np.zeros((2, 5), bool)
    pad[0, 3:] = True
    _check(enc, tenc, (x,), (x,), {"src_key_padding_mask": ug.tensor(pad)}, {"src_key_padding_mask": torch.tensor(pad)})


def test_dropout_only_in_training():
    ug.manual_seed(0)
    layer = ug.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.5)
    x = ug.randn(5, 2, 8)
    a, b = layer(x), layer(x)
    assert not np.allclose(a.detach().numpy(), b.detach().numpy())
    layer.eval()
    np.testing.assert_array_equal(layer(x).detach().numpy(), layer(x).detach().numpy())


def test_bad_arguments_are_named():
    with pytest.raises(InvalidArgumentError, match="not divisible by num_heads"):
        ug.nn.MultiheadAttention(10, 3)
    m = ug.nn.MultiheadAttention(8, 2)
    x = ug.randn(5, 2, 8)
    with pytest.raises(ShapeError, match=r"attn_mask has shape \(4, 4\); expected \(5, 5\)"):
        m(x, x, x, attn_mask=ug.zeros(4, 4))
    with pytest.raises(ShapeError, match=r"key_padding_mask has shape \(5, 2\)"):
        m(x, x, x, key_padding_mask=ug.zeros(5, 2, dtype=ug.bool))
    with pytest.raises(ShapeError, match="embed_dim 8"):
        m(ug.randn(5, 2, 6), x, x)
    with pytest.raises(InvalidArgumentError, match="is_causal=True is a hint"):   # as torch, not silently
        ug.nn.TransformerEncoderLayer(8, 2, 16)(x, is_causal=True)
    with pytest.raises(InvalidArgumentError, match="activation"):
        ug.nn.TransformerEncoderLayer(8, 2, activation="swish")
    with pytest.raises(ShapeError, match="different batch sizes"):
        ug.nn.Transformer(8, 2, 1, 1, 16)(ug.randn(4, 2, 8), ug.randn(3, 5, 8))


def _encoder_step(dropout, pool="mean"):
    ug.manual_seed(0)
    layer = ug.nn.TransformerEncoderLayer(16, 4, dim_feedforward=32, dropout=dropout, batch_first=True)
    head = ug.nn.Linear(16, 3)
    opt = ug.optim.SGD(list(layer.parameters()) + list(head.parameters()), lr=0.1, momentum=0.9)

    def step(x, y, pad):
        opt.zero_grad()
        h = layer(x, src_key_padding_mask=pad)
        loss = F.cross_entropy(head(h.mean(dim=1) if pool == "mean" else h[:, 0]), y)
        loss.backward()
        opt.step()
        return loss
    return step, layer


def test_compiled_encoder_training_step_matches_eager():
    (eager, eager_layer), (compiled_fn, layer) = _encoder_step(0.0), _encoder_step(0.0)
    compiled = ug.jit(compiled_fn)
    rng = np.random.default_rng(0)
    for _ in range(3):
        x = ug.tensor(rng.standard_normal((4, 6, 16)).astype(np.float32))
        y = ug.tensor(rng.integers(0, 3, 4))
        pad = np.zeros((4, 6), bool)
        pad[0, 4:] = True
        a, b = eager(x, y, ug.tensor(pad)), compiled(x, y, ug.tensor(pad))
        np.testing.assert_allclose(float(b), float(a), rtol=1e-5)
    for p, q in zip(eager_layer.parameters(), layer.parameters()):
        np.testing.assert_allclose(q.detach().numpy(), p.detach().numpy(), rtol=1e-4, atol=1e-6)
    assert compiled.eager_reason is None and len(compiled.cache) == 1          # traced once, not eager
    graph = compiled.graph_for(x, y, ug.tensor(pad))
    assert sum(n.op.name == "attention" for n in graph.nodes) == 1        # the fused op, not its parts


def test_compiled_step_draws_dropout_anew_each_run():
    step, _ = _encoder_step(0.2)
    compiled = ug.jit(step)
    x, y = ug.randn(4, 6, 16), ug.tensor([0, 1, 2, 0])
    pad = ug.zeros(4, 6, dtype=ug.bool)
    losses = {round(float(compiled(x, y, pad)), 6) for _ in range(3)}
    assert len(losses) == 3 and len(compiled.cache) == 1


def _language_model(lib, ntoken=50, d_model=16):
    """The word_language_model example's Transformer variant, as that program uses the API: a
    subclass of nn.Transformer whose decoder is replaced by a Linear, sinusoidal positions in a
    buffer written through strided slices, the encoder run with the causal mask."""
    import math
    nn = lib.nn

    class PositionalEncoding(nn.Module):
        def __init__(self, d_model, dropout, max_len=64):
            super().__init__()
            self.dropout = nn.Dropout(p=dropout)
            pe = lib.zeros(max_len, d_model)
            position = lib.arange(0, max_len, dtype=lib.float).unsqueeze(1)
            div_term = lib.exp(lib.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
            pe[:, 0::2] = lib.sin(position * div_term)
            pe[:, 1::2] = lib.cos(position * div_term)
            self.register_buffer("pe", pe.unsqueeze(0).transpose(0, 1))

        def forward(self, x):
            return self.dropout(x + self.pe[:x.size(0), :])

    class TransformerModel(nn.Transformer):
        def __init__(self, ntoken, ninp, nhead, nhid, nlayers, dropout=0.0):
            super().__init__(d_model=ninp, nhead=nhead, dim_feedforward=nhid, num_encoder_layers=nlayers,
                             dropout=dropout)
            self.src_mask = None
            self.pos_encoder = PositionalEncoding(ninp, dropout)
            self.input_emb = nn.Embedding(ntoken, ninp)
            self.ninp = ninp
            self.decoder = nn.Linear(ninp, ntoken)
            nn.init.uniform_(self.input_emb.weight, -0.1, 0.1)
            nn.init.zeros_(self.decoder.bias)
            nn.init.uniform_(self.decoder.weight, -0.1, 0.1)

        def forward(self, src):
            if self.src_mask is None or self.src_mask.size(0) != len(src):
                self.src_mask = nn.Transformer.generate_square_subsequent_mask(len(src))
            src = self.pos_encoder(self.input_emb(src) * math.sqrt(self.ninp))
            return lib.nn.functional.log_softmax(self.decoder(self.encoder(src, mask=self.src_mask)), dim=-1)
    return TransformerModel(ntoken, d_model, 2, 32, 2)


def test_word_language_model_transformer_trains_as_torch():
    torch.manual_seed(0)
    tm, m = _language_model(torch), _language_model(ug)
    _port(m, tm.double())
    rng = np.random.default_rng(0)
    for _ in range(3):
        data, target = rng.integers(0, 50, (10, 4)), rng.integers(0, 50, 40)
        losses = []
        for lib, model in ((ug, m), (torch, tm)):
            model.train()
            model.zero_grad()
            loss = lib.nn.functional.nll_loss(model(lib.tensor(data)).view(-1, 50), lib.tensor(target))
            loss.backward()
            lib.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
            for p in model.parameters():
                p.data.add_(p.grad, alpha=-20)
            losses.append(loss.item())
        np.testing.assert_allclose(losses[0], losses[1], rtol=1e-10)


def test_encoder_layer_and_attention_weights_export_to_onnx():
    """Exported through the attention ops' ONNX rule and run by onnxruntime, the same values
    (a key padding mask with one sequence padded entirely: zeros, not NaN, in both)."""
    import onnxruntime as ort
    import unigrad.onnx  # noqa: F401

    def run(fn, *inputs):
        with ug.no_grad():
            want = fn(*inputs)
        want = [t.numpy() for t in (want if isinstance(want, tuple) else (want,))]
        session = ort.InferenceSession(ug.onnx.export(fn, inputs).SerializeToString(),
                                       providers=["CPUExecutionProvider"])
        got = session.run(None, {i.name: t.numpy() for i, t in zip(session.get_inputs(), inputs)})
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert np.isfinite(g).all()
            np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5)
    ug.manual_seed(0)
    layer = ug.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True).eval()
    pad = np.zeros((3, 5), bool)
    pad[1, 3:] = True
    pad[2, :] = True
    run(lambda x, pad: layer(x, src_key_padding_mask=pad), ug.randn(3, 5, 8), ug.tensor(pad))
    mha = ug.nn.MultiheadAttention(8, 2).eval()
    mask = ug.nn.Transformer.generate_square_subsequent_mask(5)
    run(lambda q: mha(q, q, q, attn_mask=mask), ug.randn(5, 2, 8))
    run(lambda q, k: F.scaled_dot_product_attention(q, k, k, is_causal=True), ug.randn(2, 4, 3), ug.randn(2, 6, 3))


def test_compiled_step_is_shape_generic_in_the_sequence_length():
    """After a few traces the compiled step generalises over the length (the attention op's
    shape rule with symbolic sizes): new lengths run without tracing again, as eager would."""
    traced = []

    def make():   # (pooled by the first position: a mean over the length does not generalise yet)
        step, layer = _encoder_step(0.0, pool="first")
        return lambda x, y, pad: (traced.append(1), step(x, y, pad))[1]
    eager, compiled = _encoder_step(0.0, pool="first")[0], ug.jit(make())
    rng = np.random.default_rng(1)
    for length in (6, 7, 8, 9, 10, 13):
        x = ug.tensor(rng.standard_normal((4, length, 16)).astype(np.float32))
        y = ug.tensor(rng.integers(0, 3, 4))
        pad = np.zeros((4, length), bool)
        pad[1, length - 2:] = True
        np.testing.assert_allclose(float(compiled(x, y, ug.tensor(pad))), float(eager(x, y, ug.tensor(pad))),
                                   rtol=1e-4)
    assert len(traced) <= 3
